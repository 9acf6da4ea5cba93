using System.Text.Json;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>One sample as Python's prometheus_client parsed it; values as Python's repr ("1.0", "inf", "nan").</summary>
public sealed record ParsedSample(string Name, IReadOnlyDictionary<string, string> Labels, string Value, string? Timestamp);

/// <summary>One family as Python's prometheus_client parsed it.</summary>
public sealed record ParsedFamily(string Name, string Type, string Help, IReadOnlyList<ParsedSample> Samples);

/// <summary>
/// Python's prometheus_client parsers (Debian's python3-prometheus-client under /usr/bin/python3): the lax text parser
/// and the strict OpenMetrics parser.
/// </summary>
public static class PythonParser
{
    public const string Python = "/usr/bin/python3";

    private static readonly string Script = System.IO.Path.Combine(AppContext.BaseDirectory, "Tools", "parse_exposition.py");

    public static ToolResult Run(string exposition, bool openMetrics)
    {
        ExternalTool.Require(Python, "python3");
        return ExternalTool.Run(Python, [Script, openMetrics ? "openmetrics" : "text"], exposition);
    }

    /// <summary>Parses <paramref name="exposition"/>, failing the test with the parser's message when it refuses it.</summary>
    public static IReadOnlyList<ParsedFamily> Parse(string exposition, bool openMetrics)
    {
        var result = Run(exposition, openMetrics);
        Assert.True(result.ExitCode == 0, $"Python {(openMetrics ? "OpenMetrics" : "text")} parser: {result}\n--- input ---\n{exposition}");
        using var document = JsonDocument.Parse(result.StandardOutput);
        return [.. document.RootElement.GetProperty("families").EnumerateArray().Select(ReadFamily)];
    }

    private static ParsedFamily ReadFamily(JsonElement family) => new(
        family.GetProperty("name").GetString()!,
        family.GetProperty("type").GetString()!,
        family.GetProperty("help").GetString() ?? string.Empty,
        [.. family.GetProperty("samples").EnumerateArray().Select(ReadSample)]);

    private static ParsedSample ReadSample(JsonElement sample) => new(
        sample.GetProperty("name").GetString()!,
        sample.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
        sample.GetProperty("value").GetString()!,
        sample.GetProperty("timestamp").ValueKind == JsonValueKind.Null ? null : sample.GetProperty("timestamp").GetString());
}
