using System.Text.Json;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>A sample's exemplar as Python's prometheus_client parsed it; value and timestamp as Python's repr.</summary>
public sealed record ParsedExemplar(IReadOnlyDictionary<string, string> Labels, string Value, string? Timestamp)
{
    public static ParsedExemplar Read(JsonElement exemplar) => new(
        exemplar.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
        exemplar.GetProperty("value").GetString()!,
        exemplar.GetProperty("timestamp").ValueKind == JsonValueKind.Null ? null : exemplar.GetProperty("timestamp").GetString());

    /// <summary>"{a=1,b=2} value @timestamp", labels in order of name, for exact comparisons.</summary>
    public override string ToString() =>
        $"{{{string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))}}} {Value} @{Timestamp}";
}
