namespace Aggregator.Metrics.Tests.Exposition;

public sealed class EscapingSpec
{
    [Fact]
    public void Label_values_and_help_are_escaped_per_format()
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { TimeProvider = new ManualClock(1_700_000_000_000) }));
        registry.Gauge("g", "Help with \\ backslash, \"quotes\"\nand a newline", "v").WithLabels("a\\b\"c\nd").Set(1);
        registry.Gauge("u", "Unicode ✓", "v").WithLabels("ünïcødé ✓ 𝄞").Set(2);
        registry.Gauge("s", "Surrogate", "v").WithLabels("x\ud800y").Set(3);
        registry.Gauge("e", "Empty", "v").WithLabels(string.Empty).Set(4);

        Assert.Equal(
            """
            # HELP e Empty
            # TYPE e gauge
            e{v=""} 4
            # HELP g Help with \\ backslash, "quotes"\nand a newline
            # TYPE g gauge
            g{v="a\\b\"c\nd"} 1
            # HELP s Surrogate
            # TYPE s gauge
            s{v="x�y"} 3
            # HELP u Unicode ✓
            # TYPE u gauge
            u{v="ünïcødé ✓ 𝄞"} 2

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP e Empty
            # TYPE e gauge
            e{v=""} 4
            # HELP g Help with \\ backslash, \"quotes\"\nand a newline
            # TYPE g gauge
            g{v="a\\b\"c\nd"} 1
            # HELP s Surrogate
            # TYPE s gauge
            s{v="x�y"} 3
            # HELP u Unicode ✓
            # TYPE u gauge
            u{v="ünïcødé ✓ 𝄞"} 2
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }
}
