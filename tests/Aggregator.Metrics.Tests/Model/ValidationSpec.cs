namespace Aggregator.Metrics.Tests.Model;

public sealed class ValidationSpec
{
    private readonly WorkerRegistry _registry = new();

    [Theory]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("bad-name")]
    [InlineData("with space")]
    [InlineData("ünïcode")]
    public void Bad_metric_names_are_refused_by_name(string name)
    {
        var error = Assert.Throws<MetricDefinitionException>(() => _registry.Counter(name, "help"));

        Assert.StartsWith($"Invalid metric name '{name}': it must match [a-zA-Z_:][a-zA-Z0-9_:]*.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ok:name_1")]
    [InlineData("_private")]
    [InlineData(":colon")]
    public void Good_metric_names_are_taken(string name) => Assert.Equal(name, _registry.Gauge(name).Definition.Name);

    [Theory]
    [InlineData("1label", "Invalid label name '1label' on metric 'm': it must match [a-zA-Z_][a-zA-Z0-9_]*.")]
    [InlineData("a:b", "Invalid label name 'a:b' on metric 'm': it must match [a-zA-Z_][a-zA-Z0-9_]*.")]
    [InlineData("__reserved", "Invalid label name '__reserved' on metric 'm': names starting with '__' are reserved.")]
    [InlineData("", "Invalid label name '' on metric 'm': it must match [a-zA-Z_][a-zA-Z0-9_]*.")]
    public void Bad_label_names_are_refused_by_name(string label, string message)
    {
        var error = Assert.Throws<MetricDefinitionException>(() => _registry.Gauge("m", "help", label));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_label_names_are_refused() =>
        Assert.StartsWith(
            "Label name 'a' appears twice on metric 'm'.",
            Assert.Throws<MetricDefinitionException>(() => _registry.Gauge("m", "help", "a", "b", "a")).Message,
            StringComparison.Ordinal);

    [Fact]
    public void Le_on_a_histogram_and_quantile_on_a_summary_are_refused()
    {
        Assert.StartsWith(
            "Histogram 'h' cannot have a label named 'le': it is reserved for buckets.",
            Assert.Throws<MetricDefinitionException>(() => _registry.Histogram("h", "help", "le")).Message,
            StringComparison.Ordinal);
        Assert.StartsWith(
            "Summary 's' cannot have a label named 'quantile': it is reserved for quantiles.",
            Assert.Throws<MetricDefinitionException>(() => _registry.Summary("s", "help", "quantile")).Message,
            StringComparison.Ordinal);

        // Allowed on other types.
        Assert.Equal(["le"], _registry.Gauge("g", "help", "le").Definition.LabelNames);
    }

    [Theory]
    [InlineData(new[] { 1.0, 1.0 }, "Histogram 'h' bucket bounds must be strictly increasing: 1 at position 1 follows 1.")]
    [InlineData(new[] { 2.0, 1.0 }, "Histogram 'h' bucket bounds must be strictly increasing: 1 at position 1 follows 2.")]
    [InlineData(new[] { 1.0, double.NaN }, "Histogram 'h' has a bucket bound that is not finite: NaN at position 1.")]
    [InlineData(new[] { double.NegativeInfinity, 1.0 }, "Histogram 'h' has a bucket bound that is not finite: -Inf at position 0.")]
    [InlineData(new double[0], "Histogram 'h' needs at least one bucket bound besides the implicit +Inf.")]
    [InlineData(new[] { double.PositiveInfinity }, "Histogram 'h' needs at least one bucket bound besides the implicit +Inf.")]
    public void Bad_buckets_are_refused_by_name(double[] buckets, string message)
    {
        var error = Assert.Throws<MetricDefinitionException>(() => _registry.Histogram("h", new MetricOptions { Buckets = buckets }));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trailing_inf_bucket_is_implicit()
    {
        var h = _registry.Histogram("h", new MetricOptions { Buckets = [1, 2, double.PositiveInfinity] });

        Assert.Equal([1.0, 2.0], h.Definition.Buckets);
    }

    [Fact]
    public void Buckets_on_another_type_and_info_without_labels_are_refused()
    {
        Assert.StartsWith(
            "Metric 'g' is a gauge: only histograms have buckets.",
            Assert.Throws<MetricDefinitionException>(() => _registry.Gauge("g", new MetricOptions { Buckets = [1] })).Message,
            StringComparison.Ordinal);
        Assert.StartsWith(
            "Info metric 'build' needs at least one label.",
            Assert.Throws<MetricDefinitionException>(() => _registry.Info("build", "help")).Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void Negative_or_NaN_counter_increments_are_refused_and_lose_nothing(double amount)
    {
        var counter = _registry.Counter("c_total", "help");
        counter.Inc(5);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => counter.Inc(amount));

        Assert.StartsWith($"Counter 'c' can only go up: increment {amount.ToString(System.Globalization.CultureInfo.InvariantCulture)} rejected.", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, counter.Unlabelled.Value);
    }

    [Fact]
    public void Wrong_label_value_counts_and_null_values_are_refused_by_name()
    {
        var counter = _registry.Counter("c_total", "help", "method", "code");
        counter.WithLabels("GET", "200").Inc();

        var tooFew = Assert.Throws<ArgumentException>(() => counter.WithLabels("GET"));
        var tooMany = Assert.Throws<ArgumentException>(() => counter.WithLabels("GET", "200", "x"));
        var none = Assert.Throws<ArgumentNullException>(() => counter.WithLabels("GET", null!));
        var unlabelled = Assert.Throws<InvalidOperationException>(() => counter.Inc());

        Assert.StartsWith("Metric 'c' has 2 label(s) [method,code] but 1 value(s) were given.", tooFew.Message, StringComparison.Ordinal);
        Assert.StartsWith("Metric 'c' has 2 label(s) [method,code] but 3 value(s) were given.", tooMany.Message, StringComparison.Ordinal);
        Assert.StartsWith("Metric 'c': the value of label 'code' is null.", none.Message, StringComparison.Ordinal);
        Assert.Equal("Metric 'c' has labels [method,code]: use WithLabels(...) to pick a series.", unlabelled.Message);
        Assert.Equal(1, counter.WithLabels("GET", "200").Value);
        Assert.Equal(1, counter.SeriesCount);
    }

    [Theory]
    [InlineData(0, 5, 3, new[] { 0.0, 5, 10 })]
    [InlineData(-1, 0.5, 4, new[] { -1.0, -0.5, 0, 0.5 })]
    public void Linear_buckets(double start, double width, int count, double[] expected) =>
        Assert.Equal(expected, Buckets.Linear(start, width, count));

    [Fact]
    public void Exponential_buckets() => Assert.Equal([1.0, 2, 4, 8, 16], Buckets.Exponential(1, 2, 5));

    [Fact]
    public void Bucket_helpers_check_their_arguments()
    {
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Linear(0, 1, 0)).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Linear(0, 0, 3)).ParamName);
        Assert.Equal("start", Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Linear(double.NaN, 1, 3)).ParamName);
        Assert.Equal("start", Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Exponential(0, 2, 3)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Exponential(1, 1, 3)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Exponential(1, 2, 0)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Exponential(1e300, 1e10, 5)).ParamName);
        Assert.StartsWith("Linear buckets overflow to infinity at bucket 1.", Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Linear(1e308, 1e308, 3)).Message, StringComparison.Ordinal);
    }
}
