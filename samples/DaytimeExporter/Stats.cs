using System.Text.Json.Serialization;

namespace DaytimeExporter;

/// <summary>What the JSON service reports.</summary>
internal sealed record Stats([property: JsonPropertyName("requests")] long Requests, [property: JsonPropertyName("launched")] double Launched);
