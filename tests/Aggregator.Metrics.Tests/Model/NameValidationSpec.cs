namespace Aggregator.Metrics.Tests.Model;

public sealed class NameValidationSpec
{
    private static WorkerRegistry Registry(NameValidation validation) =>
        new(new MetricCatalog(new MetricsOptions { NameValidation = validation }));

    [Theory]
    [InlineData("http.server.request.duration")]
    [InlineData("my-app/requests")]
    [InlineData("größe")]
    [InlineData("2xx")]
    [InlineData("with space")]
    [InlineData("花火 😱")]
    public void Utf8_takes_any_non_empty_utf_8_metric_name(string name)
    {
        Assert.Equal(name, Registry(NameValidation.Utf8).Gauge(name).Definition.Name);
        Assert.Equal(
            $"Invalid metric name '{name}': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')",
            Assert.Throws<MetricDefinitionException>(() => Registry(NameValidation.Legacy).Gauge(name)).Message);
    }

    [Fact]
    public void Utf8_keeps_the_counter_and_info_suffix_rules()
    {
        var registry = Registry(NameValidation.Utf8);

        Assert.Equal("http.requests", registry.Counter("http.requests_total", "help").Definition.Name);
        Assert.Equal("http.requests_total", registry.Counter("http.requests_total", "help").Definition.SampleName());
        Assert.Equal("build.info", registry.Info("build.info", "help", "version").Definition.Name);
    }

    [Theory]
    [InlineData("http.method")]
    [InlineData("1st")]
    [InlineData("a:b")]
    [InlineData("ünï")]
    public void Utf8_takes_utf_8_label_names(string label)
    {
        var gauge = Registry(NameValidation.Utf8).Gauge("g", "help", label);

        Assert.Equal([label], gauge.Definition.LabelNames);
    }

    [Theory]
    [InlineData("__x", "Invalid label name '__x' on metric 'g': names starting with '__' are reserved. (Parameter 'labelName')")]
    [InlineData("__.x", "Invalid label name '__.x' on metric 'g': names starting with '__' are reserved. (Parameter 'labelName')")]
    [InlineData("", "Invalid label name '' on metric 'g': it must not be empty. (Parameter 'labelName')")]
    public void Utf8_still_refuses_reserved_and_empty_label_names(string label, string message) =>
        Assert.Equal(message, Assert.Throws<MetricDefinitionException>(() => Registry(NameValidation.Utf8).Gauge("g", "help", label)).Message);

    [Fact]
    public void Utf8_still_reserves_le_and_quantile()
    {
        var registry = Registry(NameValidation.Utf8);

        Assert.Equal(
            "Histogram 'h.x' cannot have a label named 'le': it is reserved for buckets. (Parameter 'LabelNames')",
            Assert.Throws<MetricDefinitionException>(() => registry.Histogram("h.x", "help", "le")).Message);
        Assert.Equal(
            "Summary 's.x' cannot have a label named 'quantile': it is reserved for quantiles. (Parameter 'LabelNames')",
            Assert.Throws<MetricDefinitionException>(() => registry.Summary("s.x", "help", "quantile")).Message);
    }

    [Fact]
    public void Utf8_refuses_empty_names_and_unpaired_surrogates_by_name()
    {
        var registry = Registry(NameValidation.Utf8);

        Assert.Equal(
            "Invalid metric name '': it must not be empty. (Parameter 'name')",
            Assert.Throws<MetricDefinitionException>(() => registry.Gauge(string.Empty)).Message);
        Assert.Equal(
            "Invalid metric name 'a\ud800b': it holds an unpaired UTF-16 surrogate (U+D800 at index 1), which has no UTF-8 encoding. (Parameter 'name')",
            Assert.Throws<MetricDefinitionException>(() => registry.Gauge("a\ud800b")).Message);
        Assert.Equal(
            "Invalid label name 'x\udc01' on metric 'g': it holds an unpaired UTF-16 surrogate (U+DC01 at index 1), which has no UTF-8 encoding. (Parameter 'labelName')",
            Assert.Throws<MetricDefinitionException>(() => registry.Gauge("g", "help", "x\udc01")).Message);
        Assert.Equal("a😱", registry.Gauge("a😱").Definition.Name);
    }

    [Fact]
    public void A_utf8_namespace_needs_utf8_validation()
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { NameValidation = NameValidation.Utf8, Namespace = "my.app" }));

        Assert.Equal("my.app_requests", registry.Gauge("requests").Definition.Name);
        Assert.Equal(
            "Invalid metric name 'my.app': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')",
            Assert.Throws<MetricDefinitionException>(() => new MetricCatalog(new MetricsOptions { Namespace = "my.app" })).Message);
    }

    [Fact]
    public void The_mode_is_not_part_of_the_definition()
    {
        var legacy = new MetricDefinition(MetricType.Gauge, "g", "help", ["a"]);
        var utf8 = new MetricDefinition(MetricType.Gauge, "g", "help", ["a"], nameValidation: NameValidation.Utf8);

        Assert.Equal(legacy, utf8);
        Assert.Equal(legacy.GetHashCode(), utf8.GetHashCode());
    }

    [Fact]
    public void MetricNames_answers_per_mode()
    {
        Assert.True(MetricNames.IsValidMetricName("a.b", NameValidation.Utf8));
        Assert.False(MetricNames.IsValidMetricName("a.b", NameValidation.Legacy));
        Assert.True(MetricNames.IsValidLabelName("a.b", NameValidation.Utf8));
        Assert.False(MetricNames.IsValidLabelName("__a.b", NameValidation.Utf8));
        Assert.False(MetricNames.IsValidLabelName("a.b", NameValidation.Legacy));
        Assert.False(MetricNames.IsValidUtf8Name("\udfff"));
        Assert.False(MetricNames.IsValidUtf8Name(null));
    }
}
