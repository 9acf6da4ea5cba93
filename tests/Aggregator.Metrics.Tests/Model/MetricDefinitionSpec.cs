namespace Aggregator.Metrics.Tests.Model;

public sealed class MetricDefinitionSpec
{
    [Theory]
    [InlineData(MetricType.Counter, "jobs_total", "jobs", "jobs_total")]
    [InlineData(MetricType.Counter, "jobs", "jobs", "jobs_total")]
    [InlineData(MetricType.Counter, "_total", "_total", "_total_total")]
    [InlineData(MetricType.Info, "build_info", "build", "build_info")]
    [InlineData(MetricType.Info, "build", "build", "build_info")]
    [InlineData(MetricType.Gauge, "queue_total", "queue_total", "queue_total")]
    [InlineData(MetricType.Gauge, "queue_info", "queue_info", "queue_info")]
    [InlineData(MetricType.Histogram, "latency_total", "latency_total", "latency_total")]
    [InlineData(MetricType.Summary, "rpc_seconds", "rpc_seconds", "rpc_seconds")]
    public void Names_drop_the_suffix_the_writers_add(MetricType type, string declared, string name, string sampleName)
    {
        var definition = new MetricDefinition(type, declared, "h", type == MetricType.Info ? ["v"] : null);
        Assert.Equal(name, definition.Name);
        Assert.Equal(sampleName, definition.SampleName());
    }

    [Theory]
    [InlineData(MetricType.Counter, "c", null, "c_total")]
    [InlineData(MetricType.Counter, "c_total", "", "c_total")]
    [InlineData(MetricType.Gauge, "g", null, "g")]
    [InlineData(MetricType.Info, "i", null, "i_info")]
    [InlineData(MetricType.Gauge, "g", "Some help", "Some help")]
    public void Help_defaults_to_the_sample_name(MetricType type, string name, string? help, string expected) =>
        Assert.Equal(expected, new MetricDefinition(type, name, help, type == MetricType.Info ? ["v"] : null).Help);

    [Fact]
    public void Histograms_get_the_default_buckets_and_others_none()
    {
        Assert.Equal(Buckets.Default, new MetricDefinition(MetricType.Histogram, "h").Buckets);
        Assert.Equal([1, 2], new MetricDefinition(MetricType.Histogram, "h", buckets: [1, 2, double.PositiveInfinity]).Buckets);
        Assert.Empty(new MetricDefinition(MetricType.Summary, "s").Buckets);
        Assert.Empty(new MetricDefinition(MetricType.Counter, "c").Buckets);
    }

    [Fact]
    public void The_gauge_policy_is_kept_for_gauges_only()
    {
        Assert.Equal(GaugeMergePolicy.Sum, new MetricDefinition(MetricType.Gauge, "g", gaugePolicy: GaugeMergePolicy.Sum).GaugePolicy);
        Assert.Equal(GaugeMergePolicy.Max, new MetricDefinition(MetricType.Counter, "c", gaugePolicy: GaugeMergePolicy.Sum).GaugePolicy);
        Assert.Equal(
            new MetricDefinition(MetricType.Counter, "c"),
            new MetricDefinition(MetricType.Counter, "c", gaugePolicy: GaugeMergePolicy.MostRecent));
    }

    [Fact]
    public void Label_names_are_copied()
    {
        string[] labels = ["a", "b"];
        var definition = new MetricDefinition(MetricType.Gauge, "g", labelNames: labels);
        labels[0] = "z";
        Assert.Equal(["a", "b"], definition.LabelNames);
    }

    [Fact]
    public void Equal_definitions_are_equal_with_equal_hashes()
    {
        var a = new MetricDefinition(MetricType.Histogram, "h", "help", ["x", "y"], timestamped: true, buckets: [1, 2]);
        var b = new MetricDefinition(MetricType.Histogram, "h", "help", ["x", "y"], timestamped: true, buckets: [1, 2]);
        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals(null));
        Assert.False(a.Equals("h"));
    }

    public static TheoryData<MetricDefinition, string> Differences => new()
    {
        { new MetricDefinition(MetricType.Summary, "m", "help", ["a"]), "type gauge vs summary" },
        { new MetricDefinition(MetricType.Gauge, "m", "help", ["b"]), "label names [a] vs [b]" },
        { new MetricDefinition(MetricType.Gauge, "m", "help", ["a", "b"]), "label names [a] vs [a,b]" },
        { new MetricDefinition(MetricType.Gauge, "m", "help", ["a"], gaugePolicy: GaugeMergePolicy.Sum), "gauge policy Max vs Sum" },
        { new MetricDefinition(MetricType.Gauge, "m", "help", ["a"], timestamped: true), "timestamp flag differs" },
        { new MetricDefinition(MetricType.Gauge, "m", "other help", ["a"]), "help text differs" },
        { new MetricDefinition(MetricType.Gauge, "m", "help", ["a"]), "identical" },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public void DescribeDifference_names_the_first_difference(MetricDefinition other, string expected)
    {
        var gauge = new MetricDefinition(MetricType.Gauge, "m", "help", ["a"]);
        Assert.Equal(expected, gauge.DescribeDifference(other));
        Assert.Equal(expected == "identical", gauge.Equals(other));
    }

    [Fact]
    public void DescribeDifference_reports_buckets()
    {
        var a = new MetricDefinition(MetricType.Histogram, "h", buckets: [1, 2]);
        var b = new MetricDefinition(MetricType.Histogram, "h", buckets: [1, 3]);
        Assert.Equal("different bucket bounds", a.DescribeDifference(b));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ToString_describes_the_definition()
    {
        Assert.Equal("counter jobs{}", new MetricDefinition(MetricType.Counter, "jobs_total").ToString());
        Assert.Equal("gauge g{a,b} policy=MostRecent timestamped", new MetricDefinition(MetricType.Gauge, "g", null, ["a", "b"], true, GaugeMergePolicy.MostRecent).ToString());
        Assert.Equal("histogram h{path} buckets=[0.1,1,1E+20]", new MetricDefinition(MetricType.Histogram, "h", null, ["path"], buckets: [0.1, 1, 1e20]).ToString());
        Assert.Equal("summary s{}", new MetricDefinition(MetricType.Summary, "s").ToString());
        Assert.Equal("info build{version}", new MetricDefinition(MetricType.Info, "build_info", null, ["version"]).ToString());
    }

    public static TheoryData<Func<MetricDefinition>, string> Invalid => new()
    {
        { () => new MetricDefinition(MetricType.Gauge, "bad-name"), "Invalid metric name 'bad-name': it must match [a-zA-Z_:][a-zA-Z0-9_:]*. (Parameter 'name')" },
        { () => new MetricDefinition(MetricType.Gauge, "g", labelNames: ["ok", "bad-label"]), "Invalid label name 'bad-label' on metric 'g': it must match [a-zA-Z_][a-zA-Z0-9_]*. (Parameter 'labelName')" },
        { () => new MetricDefinition(MetricType.Counter, "c_total", labelNames: ["__name__"]), "Invalid label name '__name__' on metric 'c': names starting with '__' are reserved. (Parameter 'labelName')" },
        { () => new MetricDefinition(MetricType.Gauge, "g", labelNames: ["a", "b", "a"]), "Label name 'a' appears twice on metric 'g'. (Parameter 'LabelNames')" },
        { () => new MetricDefinition(MetricType.Histogram, "h", labelNames: ["path", "le"]), "Histogram 'h' cannot have a label named 'le': it is reserved for buckets. (Parameter 'LabelNames')" },
        { () => new MetricDefinition(MetricType.Summary, "s", labelNames: ["quantile"]), "Summary 's' cannot have a label named 'quantile': it is reserved for quantiles. (Parameter 'LabelNames')" },
        { () => new MetricDefinition(MetricType.Info, "build_info"), "Info metric 'build' needs at least one label. (Parameter 'LabelNames')" },
        { () => new MetricDefinition(MetricType.Histogram, "h", buckets: []), "Histogram 'h' needs at least one bucket bound besides the implicit +Inf. (Parameter 'bounds')" },
        { () => new MetricDefinition(MetricType.Histogram, "h", buckets: [2, 1]), "Histogram 'h' bucket bounds must be strictly increasing: 1 at position 1 follows 2. (Parameter 'bounds')" },
        { () => new MetricDefinition(MetricType.Histogram, "h", buckets: [double.NaN]), "Histogram 'h' has a bucket bound that is not finite: NaN at position 0. (Parameter 'bounds')" },
        { () => new MetricDefinition(MetricType.Gauge, "g", buckets: [1]), "Metric 'g' is a gauge: only histograms have buckets. (Parameter 'buckets')" },
        { () => new MetricDefinition(MetricType.Counter, "c_total", buckets: [1]), "Metric 'c' is a counter: only histograms have buckets. (Parameter 'buckets')" },
        { () => new MetricDefinition(MetricType.Summary, "s", buckets: [1]), "Metric 's' is a summary: only histograms have buckets. (Parameter 'buckets')" },
        { () => new MetricDefinition(MetricType.Info, "i", labelNames: ["v"], buckets: [1]), "Metric 'i' is a info: only histograms have buckets. (Parameter 'buckets')" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_definitions_throw_naming_the_culprit(Func<MetricDefinition> create, string message)
    {
        var ex = Assert.Throws<MetricDefinitionException>(create);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Le_and_quantile_are_fine_on_other_types()
    {
        Assert.Equal(["le"], new MetricDefinition(MetricType.Gauge, "g", labelNames: ["le"]).LabelNames);
        Assert.Equal(["quantile"], new MetricDefinition(MetricType.Histogram, "h", labelNames: ["quantile"]).LabelNames);
        Assert.Equal(["le"], new MetricDefinition(MetricType.Summary, "s", labelNames: ["le"]).LabelNames);
    }
}
