using System.Text;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class EscapingCasesSpec
{
    [Fact]
    public void Label_values_escape_backslash_quote_and_newline_in_both_formats()
    {
        var registry = Registries.Worker();
        var g = registry.Gauge("g", "G", "v");
        g.WithLabels("back\\slash").Set(1);
        g.WithLabels("quote\"d").Set(2);
        g.WithLabels("new\nline").Set(3);
        g.WithLabels("all \\ \" \n end\\").Set(4);
        g.WithLabels("tab\tand\rreturn").Set(5);

        const string Series = """
            g{v="all \\ \" \n end\\"} 4
            g{v="back\\slash"} 1
            g{v="new\nline"} 3
            g{v="quote\"d"} 2
            """;
        var tabLine = "g{v=\"tab\tand\rreturn\"} 5\n";
        Assert.Equal("# HELP g G\n# TYPE g gauge\n" + Series + "\n" + tabLine, Expose.Text(registry));
        Assert.Equal("# HELP g G\n# TYPE g gauge\n" + Series + "\n" + tabLine + "# EOF\n", Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Every_label_is_escaped_in_a_histogram_too()
    {
        var registry = Registries.Worker();
        registry.Histogram("h", new MetricOptions { Help = "H", LabelNames = ["a", "b"], Buckets = [1] }).WithLabels("x\"", "\\y").Observe(2);
        Assert.Equal(
            """
            # HELP h H
            # TYPE h histogram
            h_bucket{a="x\"",b="\\y",le="1.0"} 0
            h_bucket{a="x\"",b="\\y",le="+Inf"} 1
            h_count{a="x\"",b="\\y"} 1
            h_sum{a="x\"",b="\\y"} 2
            h_created{a="x\"",b="\\y"} 1700000000.5
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Help_escapes_backslash_and_newline_in_text_and_also_quote_in_OpenMetrics()
    {
        var registry = Registries.Worker();
        registry.Gauge("g", "Path C:\\dir is \"quoted\"\nsecond line\\").Set(1);

        Assert.Equal(
            """
            # HELP g Path C:\\dir is "quoted"\nsecond line\\
            # TYPE g gauge
            g 1

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP g Path C:\\dir is \"quoted\"\nsecond line\\
            # TYPE g gauge
            g 1
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Unicode_label_values_and_help_are_written_as_UTF8()
    {
        var registry = Registries.Worker();
        registry.Gauge("g", "Temp\u00e9rature \u2603", "city").WithLabels("Z\u00fcrich \u65e5\u672c \U0001F600").Set(1);

        var expected = "# HELP g Temp\u00e9rature \u2603\n# TYPE g gauge\ng{city=\"Z\u00fcrich \u65e5\u672c \U0001F600\"} 1\n";
        var bytes = Expose.Bytes(registry.Collect(), ExpositionFormat.Text);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), bytes);
        Assert.Equal(
            "# HELP g Temp\u00c3\u00a9rature \u00e2\u0098\u0083\n# TYPE g gauge\ng{city=\"Z\u00c3\u00bcrich \u00e6\u0097\u00a5\u00e6\u009c\u00ac \u00f0\u009f\u0098\u0080\"} 1\n",
            Encoding.Latin1.GetString(bytes));
    }

    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_character()
    {
        var registry = Registries.Worker();
        registry.Gauge("g", "bad \ud800 help", "v").WithLabels("a\udc00b").Set(1);
        registry.Gauge("h", "H", "v").WithLabels("end\ud83d").Set(2);

        var bytes = Expose.Bytes(registry.Collect(), ExpositionFormat.OpenMetrics);
        Assert.Equal(
            "# HELP g bad \uFFFD help\n# TYPE g gauge\ng{v=\"a\uFFFDb\"} 1\n# HELP h H\n# TYPE h gauge\nh{v=\"end\uFFFD\"} 2\n# EOF\n",
            Encoding.UTF8.GetString(bytes));
        Assert.Equal(3, bytes.AsSpan().Count("\uFFFD"u8));
    }

    [Fact]
    public void Long_values_longer_than_a_chunk_are_written_whole()
    {
        var registry = Registries.Worker();
        var big = new string('\u00e9', 20_000) + "\"" + new string('x', 20_000) + "\U0001F600";
        registry.Gauge("g", new string('h', 70_000), "v").WithLabels(big).Set(1);

        var expected = "# HELP g " + new string('h', 70_000) + "\n# TYPE g gauge\ng{v=\""
            + new string('\u00e9', 20_000) + "\\\"" + new string('x', 20_000) + "\U0001F600\"} 1\n";
        Assert.Equal(Encoding.UTF8.GetBytes(expected), Expose.Bytes(registry.Collect(), ExpositionFormat.Text));
    }

    [Fact]
    public void Empty_label_values_are_written_as_empty_strings()
    {
        var registry = Registries.Worker();
        registry.Gauge("g", "G", "a", "b").WithLabels(string.Empty, string.Empty).Set(1);
        Assert.Equal("# HELP g G\n# TYPE g gauge\ng{a=\"\",b=\"\"} 1\n", Expose.Text(registry));
    }
}
