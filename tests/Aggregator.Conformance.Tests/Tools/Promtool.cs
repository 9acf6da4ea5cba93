namespace Aggregator.Conformance.Tests.Tools;

/// <summary><c>promtool check metrics</c>: exit 0 clean, 3 lint problems only, 1 parse error.</summary>
public static class Promtool
{
    public const string Path = "/usr/bin/promtool";

    public static ToolResult CheckMetrics(string exposition)
    {
        ExternalTool.Require(Path, "prometheus");
        return ExternalTool.Run(Path, ["check", "metrics"], exposition);
    }

    /// <summary>Asserts that promtool finds nothing at all to say about <paramref name="exposition"/>.</summary>
    public static void AssertClean(string exposition)
    {
        var result = CheckMetrics(exposition);
        Assert.True(result.ExitCode == 0, $"promtool check metrics: {result}\n--- input ---\n{exposition}");
    }
}
