using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class NumberFormatCasesSpec
{
    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1e20, "1e+20")]
    [InlineData(1e21, "1e+21")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(3.0, "3")]
    [InlineData(-3.0, "-3")]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(21.5, "21.5")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(123456789.0, "123456789")]
    [InlineData(100000000000000.0, "100000000000000")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(12345678901234567890.0, "1.2345678901234567e+19")]
    [InlineData(1.5e-300, "1.5e-300")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(double.Epsilon, "5e-324")]
    public void Gauge_values_use_the_shortest_round_trip_form(double value, string expected)
    {
        var registry = Registries.Worker();
        registry.Gauge("g", "G").Set(value);
        Assert.Equal($"# HELP g G\n# TYPE g gauge\ng {expected}\n", Expose.Text(registry));
        Assert.Equal($"# HELP g G\n# TYPE g gauge\ng {expected}\n# EOF\n", Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Counts_are_written_as_exact_integers()
    {
        var definition = new MetricDefinition(MetricType.Histogram, "h", "H", buckets: [1]);
        var summary = new MetricDefinition(MetricType.Summary, "s", "S");
        var snapshot = new MetricsSnapshot(
        [
            new MetricFamilySnapshot(definition, [SeriesSnapshot.ForHistogram([], [9_007_199_254_740_993, long.MaxValue], 1e300)]),
            new MetricFamilySnapshot(summary, [SeriesSnapshot.ForSummary([], 12_345_678_901_234_567, 0.5)]),
        ]);

        Assert.Equal(
            """
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1.0"} 9007199254740993
            h_bucket{le="+Inf"} 9223372036854775807
            h_count 9223372036854775807
            h_sum 1e+300
            # HELP s S
            # TYPE s summary
            s_count 12345678901234567
            s_sum 0.5

            """,
            Expose.Render(snapshot, ExpositionFormat.Text));
    }

    [Fact]
    public void A_large_counter_value_keeps_every_significant_digit()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C");
        counter.Inc(123_456_789_012_345);
        counter.Inc(0.5);
        counter.Inc(1e6);
        Assert.Equal("# HELP c_total C\n# TYPE c_total counter\nc_total 123456790012345.5\n", Expose.Text(registry));
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(10.0, "10.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(-1.0, "-1.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.005, "0.005")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(123456789.0, "123456789.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "10000000000000000.0")]
    [InlineData(1e20, "1e+20")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    public void Bucket_bounds_render_whole_numbers_with_a_fraction(double bound, string expected) =>
        Assert.Equal(expected, FamilyEncoding.FormatBound(bound));

    [Fact]
    public void Le_is_rendered_the_same_in_both_formats()
    {
        var registry = Registries.Worker();
        registry.Histogram("h", new MetricOptions { Help = "H", Buckets = [1e-05, 0.5, 1, 2, 1e20] });
        const string Buckets = """
            h_bucket{le="1e-05"} 0
            h_bucket{le="0.5"} 0
            h_bucket{le="1.0"} 0
            h_bucket{le="2.0"} 0
            h_bucket{le="1e+20"} 0
            h_bucket{le="+Inf"} 0
            """;
        Assert.Equal("# HELP h H\n# TYPE h histogram\n" + Buckets + "\nh_count 0\nh_sum 0\n", Expose.Text(registry));
        Assert.Equal("# HELP h H\n# TYPE h histogram\n" + Buckets + "\nh_count 0\nh_sum 0\nh_created 1700000000.5\n# EOF\n", Expose.OpenMetrics(registry));
    }
}
