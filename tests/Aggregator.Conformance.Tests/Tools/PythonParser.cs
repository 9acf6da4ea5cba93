using System.Text;
using System.Text.Json;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>One sample as Python's prometheus_client parsed it; values as Python's repr ("1.0", "inf", "nan").</summary>
public sealed record ParsedSample(string Name, IReadOnlyDictionary<string, string> Labels, string Value, string? Timestamp, ParsedExemplar? Exemplar = null);

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

    public static ToolResult Run(string exposition, bool openMetrics) => Run(Encoding.UTF8.GetBytes(exposition), openMetrics);

    /// <summary>Runs the parser on exactly these bytes (it decodes them as strict UTF-8).</summary>
    public static ToolResult Run(byte[] exposition, bool openMetrics)
    {
        ExternalTool.Require(Python, "python3");
        var result = ExternalTool.Run(Python, [Script, openMetrics ? "openmetrics" : "text"], exposition);
        if (result.StandardError.Contains("ModuleNotFoundError", StringComparison.Ordinal))
        {
            Assert.Fail($"{Python} cannot import prometheus_client: install the Debian package 'python3-prometheus-client' (tests/run.sh does).\n{result}");
        }

        return result;
    }

    /// <summary>
    /// Runs both parsers in one Python process: the text parser on <paramref name="text"/>, the OpenMetrics parser on
    /// <paramref name="openMetrics"/>. Each answer is shaped as if its parser had run alone (exit 1 and the message on
    /// standard error when it refused its input).
    /// </summary>
    public static (ToolResult Text, ToolResult OpenMetrics) RunBoth(byte[] text, byte[] openMetrics)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(openMetrics);
        ExternalTool.Require(Python, "python3");
        var header = Encoding.ASCII.GetBytes(text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        var result = ExternalTool.Run(Python, [Script, "both"], [.. header, .. text, .. openMetrics]);
        if (result.StandardError.Contains("ModuleNotFoundError", StringComparison.Ordinal))
        {
            Assert.Fail($"{Python} cannot import prometheus_client: install the Debian package 'python3-prometheus-client' (tests/run.sh does).\n{result}");
        }

        Assert.True(result.ExitCode == 0, $"parse_exposition.py both: {result}");
        using var document = JsonDocument.Parse(result.StandardOutput);
        return (Split(document.RootElement.GetProperty("text")), Split(document.RootElement.GetProperty("openmetrics")));

        static ToolResult Split(JsonElement answer) => answer.TryGetProperty("error", out var error)
            ? new ToolResult(1, string.Empty, error.GetString()!)
            : new ToolResult(0, answer.GetRawText(), string.Empty);
    }

    /// <summary>Parses <paramref name="exposition"/>, failing the test with the parser's message when it refuses it.</summary>
    public static IReadOnlyList<ParsedFamily> Parse(string exposition, bool openMetrics) =>
        Read(Run(exposition, openMetrics), exposition, openMetrics);

    /// <summary>Reads the parser's answer <paramref name="result"/> on <paramref name="exposition"/>, failing the test when it refused it.</summary>
    public static IReadOnlyList<ParsedFamily> Read(ToolResult result, string exposition, bool openMetrics)
    {
        ArgumentNullException.ThrowIfNull(result);
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
        sample.GetProperty("timestamp").ValueKind == JsonValueKind.Null ? null : sample.GetProperty("timestamp").GetString(),
        sample.TryGetProperty("exemplar", out var exemplar) && exemplar.ValueKind != JsonValueKind.Null ? ParsedExemplar.Read(exemplar) : null);
}
