using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Conformance.Tests;

/// <summary>
/// The installed tools refuse what they must, so that "accepted" in the conformance specs means something: if a lax
/// tool took their place, these fail. Also pins down the tool quirks the conformance specs allow for.
/// </summary>
public sealed class ToolBehaviourSpec
{
    [Theory]
    [InlineData("# HELP x_total X.\n# TYPE x_total gauge\nx_total 1\n", 3, "non-counter metrics should not have \"_total\" suffix")]
    [InlineData("# HELP jobs Jobs.\n# TYPE jobs counter\njobs 1\n", 3, "counter metrics should have \"_total\" suffix")]
    [InlineData("# HELP x X.\n# TYPE x gauge\nx 1", 1, "unexpected end of input stream")]
    [InlineData("# HELP x X.\n# TYPE x gauge\nx 1 1.5\n", 1, "expected integer as timestamp")]
    [InlineData("# HELP x Say \\\"hi\\\".\n# TYPE x gauge\nx 1\n", 1, "invalid escape sequence")]
    [InlineData("# HELP x X.\n# TYPE x gauge\nx{a=\"\\t\"} 1\n", 1, "invalid escape sequence")]
    public void Promtool_refuses_lint_problems_and_parse_errors(string exposition, int exitCode, string message)
    {
        var result = Promtool.CheckMetrics(exposition);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("# HELP x X.\n# TYPE x gauge\nx 1\n", "Missing # EOF")]
    [InlineData("# HELP x X.\n# TYPE x gauge\n\nx 1\n# EOF\n", "Received blank line")]
    [InlineData("# HELP x X.\n# TYPE x counter\nx 1\n# EOF\n", "Clashing name")]
    [InlineData("# HELP x X.\n# TYPE x counter\nx_total -1\n# EOF\n", "cannot be negative")]
    [InlineData("# HELP x X.\n# TYPE x counter\nx_total NaN\n# EOF\n", "cannot be NaN")]
    [InlineData("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1.0\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum -2\n# EOF\n", "cannot be negative")]
    [InlineData("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"-1.0\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 2\n# EOF\n", "negative buckets")]
    [InlineData("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1.0\"} 1\nh_count 1\nh_sum 1\n# EOF\n", "+Inf bucket missing")]
    [InlineData("# HELP s S.\n# TYPE s summary\ns_count 1\ns_sum -1\n# EOF\n", "cannot be negative")]
    [InlineData("# HELP i I.\n# TYPE i info\ni_info{a=\"b\"} 2\n# EOF\n", "Info samples can only have value one")]
    [InlineData("# HELP a A.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b gauge\nb 1\na{x=\"y\"} 2\n# EOF\n", "Clashing name")]
    public void Python_OpenMetrics_parser_is_strict(string exposition, string message)
    {
        var result = PythonParser.Run(exposition, openMetrics: true);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_zero_keeps_its_sign_in_the_text_parser_only()
    {
        // The OpenMetrics parser reads an integer literal with int(), which has no negative zero; the text parser uses float().
        var (text, openMetrics) = PythonParser.RunBoth("# TYPE x gauge\nx -0\n"u8.ToArray(), "# TYPE x gauge\nx -0\n# EOF\n"u8.ToArray());
        Assert.Equal("-0.0", Assert.Single(Assert.Single(PythonParser.Read(text, "x -0", openMetrics: false)).Samples).Value);
        Assert.Equal("0.0", Assert.Single(Assert.Single(PythonParser.Read(openMetrics, "x -0", openMetrics: true)).Samples).Value);
    }
}
