using System.Text.Json;

namespace Aggregator.Hosting.Status;

/// <summary>
/// Writes a <see cref="StatusReport"/> as the documented <c>/status.json</c> document (README, "Status page"). The
/// default encoder escapes <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c>, so names cannot break out of a script that embeds it.
/// </summary>
internal static class StatusJsonWriter
{
    public static void Write(StatusReport report, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("generatedAt", report.GeneratedAt);
        json.WriteString("scope", report.Scope);
        json.WriteString("collectionError", report.CollectionError);

        json.WriteStartArray("levels");
        foreach (var level in report.Levels)
        {
            json.WriteStartObject();
            json.WriteString("level", level.Level);
            if (level.CompletedAt is { } completed)
            {
                json.WriteString("completedAt", completed);
            }
            else
            {
                json.WriteNull("completedAt");
            }

            Number(json, "durationSeconds", level.DurationSeconds);
            json.WriteNumber("sourcesUp", level.SourcesUp);
            json.WriteNumber("sourcesDown", level.SourcesDown);
            json.WriteStartArray("durationHistorySeconds");
            foreach (var seconds in level.DurationHistorySeconds)
            {
                json.WriteNumberValue(seconds);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("nodes");
        foreach (var node in report.Nodes)
        {
            json.WriteStartObject();
            json.WriteString("name", node.Name);
            json.WriteBoolean("local", node.Local);
            json.WriteBoolean("up", node.Up);
            Number(json, "answerSeconds", node.AnswerSeconds);
            json.WriteBoolean("retained", node.Retained);
            Number(json, "series", node.Series);
            json.WriteBoolean("workersKnown", node.WorkersKnown);
            json.WriteStartArray("workers");
            foreach (var worker in node.Workers)
            {
                json.WriteStartObject();
                json.WriteString("name", worker.Name);
                json.WriteBoolean("up", worker.Up);
                Number(json, "answerSeconds", worker.AnswerSeconds);
                json.WriteBoolean("retained", worker.Retained);
                Number(json, "series", worker.Series);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();

        var cardinality = report.Cardinality;
        json.WriteStartObject("cardinality");
        json.WriteNumber("mergedSeries", cardinality.MergedSeries);
        json.WriteNumber("families", cardinality.FamilyCount);
        json.WriteStartArray("topFamilies");
        foreach (var family in cardinality.TopFamilies)
        {
            json.WriteStartObject();
            json.WriteString("family", family.Family);
            json.WriteString("type", family.Type);
            json.WriteString("help", family.Help);
            json.WriteNumber("mergedSeries", family.MergedSeries);
            json.WriteStartObject("labels");
            foreach (var label in family.Labels)
            {
                json.WriteNumber(label.Label, label.Values);
            }

            json.WriteEndObject();
            json.WriteString("example", family.Example);
            Sources(json, "sources", family.Sources);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        Sources(json, "sources", cardinality.Sources);
        json.WriteStartArray("dropped");
        foreach (var dropped in cardinality.Dropped)
        {
            json.WriteStartObject();
            json.WriteString("family", dropped.Family);
            json.WriteNumber("count", dropped.Count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("conflicts");
        foreach (var conflict in report.Conflicts)
        {
            json.WriteStartObject();
            json.WriteString("level", conflict.Level);
            json.WriteString("family", conflict.Family);
            json.WriteString("reason", conflict.Reason);
            json.WriteStartArray("sources");
            foreach (var source in conflict.Sources)
            {
                json.WriteStringValue(source);
            }

            json.WriteEndArray();
            json.WriteString("text", conflict.Text);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("configuration");
        foreach (var section in report.Configuration)
        {
            json.WriteStartObject();
            json.WriteString("section", section.Name);
            json.WriteStartObject("settings");
            foreach (var (key, value) in section.Settings)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Sources(Utf8JsonWriter json, string name, IReadOnlyList<SourceCardinality> sources)
    {
        json.WriteStartArray(name);
        foreach (var source in sources)
        {
            json.WriteStartObject();
            json.WriteString("source", source.Source);
            json.WriteString("level", source.Level);
            json.WriteNumber("series", source.Series);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
