using System.Text;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary><c>promtool check metrics</c>: exit 0 clean, 3 lint problems only, 1 parse error.</summary>
public static class Promtool
{
    public const string Path = "/usr/bin/promtool";

    public static ToolResult CheckMetrics(string exposition) => CheckMetrics(Encoding.UTF8.GetBytes(exposition));

    /// <summary>Runs <c>promtool check metrics</c> on exactly these bytes.</summary>
    public static ToolResult CheckMetrics(byte[] exposition)
    {
        ExternalTool.Require(Path, "prometheus");
        return ExternalTool.Run(Path, ["check", "metrics"], exposition);
    }

    /// <summary>
    /// Asserts that promtool finds nothing at all to say about <paramref name="exposition"/>: exit 0 (no parse error, no
    /// lint problem) and nothing on either output stream.
    /// </summary>
    public static void AssertClean(string exposition) => AssertClean(CheckMetrics(exposition), exposition);

    /// <summary>Asserts that <paramref name="result"/>, promtool's answer on <paramref name="exposition"/>, is clean.</summary>
    public static void AssertClean(ToolResult result, string exposition)
    {
        ArgumentNullException.ThrowIfNull(result);
        Assert.True(
            result.ExitCode == 0 && result.StandardOutput.Length == 0 && result.StandardError.Length == 0,
            $"promtool check metrics: {result}\n--- input ---\n{exposition}");
    }
}
