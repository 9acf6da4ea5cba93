namespace Aggregator.Metrics.Tests.Model;

public sealed class MetricNamesSpec
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("http_requests_total", true)]
    [InlineData("_private", true)]
    [InlineData(":colon:first", true)]
    [InlineData("job:rate5m", true)]
    [InlineData("A9_Z", true)]
    [InlineData("__double", true)]
    [InlineData("9lives", false)]
    [InlineData("has-dash", false)]
    [InlineData("has space", false)]
    [InlineData("has.dot", false)]
    [InlineData("caf\u00e9", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Metric_names_follow_the_data_model(string? name, bool valid) =>
        Assert.Equal(valid, MetricNames.IsValidMetricName(name));

    [Theory]
    [InlineData("a", true)]
    [InlineData("_", true)]
    [InlineData("_a", true)]
    [InlineData("method9", true)]
    [InlineData("Code", true)]
    [InlineData("__reserved", false)]
    [InlineData("__", false)]
    [InlineData("a:b", false)]
    [InlineData("9a", false)]
    [InlineData("a-b", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Label_names_follow_the_data_model(string? name, bool valid) =>
        Assert.Equal(valid, MetricNames.IsValidLabelName(name));

    [Theory]
    [InlineData("9lives", "Invalid metric name '9lives': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')")]
    [InlineData("a-b", "Invalid metric name 'a-b': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')")]
    [InlineData("", "Invalid metric name '': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')")]
    [InlineData(null, "Invalid metric name '': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')")]
    public void ValidateMetricName_names_the_culprit(string? name, string message)
    {
        var ex = Assert.Throws<MetricDefinitionException>(() => MetricNames.ValidateMetricName(name));
        Assert.Equal(message, ex.Message);
        Assert.Equal("name", ex.ParamName);
    }

    [Fact]
    public void ValidateMetricName_accepts_a_valid_name() =>
        MetricNames.ValidateMetricName("ok_name:sub");

    [Theory]
    [InlineData("__meta", "Invalid label name '__meta' on metric 'm': names starting with '__' are reserved. (Parameter 'labelName')")]
    [InlineData("a:b", "Invalid label name 'a:b' on metric 'm': it must match [a-zA-Z_][a-zA-Z0-9_]*. (Parameter 'labelName')")]
    [InlineData("1st", "Invalid label name '1st' on metric 'm': it must match [a-zA-Z_][a-zA-Z0-9_]*. (Parameter 'labelName')")]
    [InlineData("", "Invalid label name '' on metric 'm': it must match [a-zA-Z_][a-zA-Z0-9_]*. (Parameter 'labelName')")]
    [InlineData(null, "Invalid label name '' on metric 'm': it must match [a-zA-Z_][a-zA-Z0-9_]*. (Parameter 'labelName')")]
    public void ValidateLabelName_names_metric_and_label(string? label, string message)
    {
        var ex = Assert.Throws<MetricDefinitionException>(() => MetricNames.ValidateLabelName("m", label));
        Assert.Equal(message, ex.Message);
    }
}
