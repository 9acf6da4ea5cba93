namespace Aggregator.Metrics.Exposition;

/// <summary>
/// Writes an exemplar after an OpenMetrics sample, as OpenMetrics 1.0 spells it: <c> # {labels} value timestamp</c>,
/// before the newline; labels are <see cref="ExemplarSnapshot.ExposedLabels"/>, the timestamp in seconds. Text 0.0.4
/// has no exemplars, so its writer never calls this.
/// </summary>
internal static class ExemplarWriter
{
    /// <summary>Writes <paramref name="exemplar"/> (nothing when null).</summary>
    public static void Write(ref Utf8Writer writer, ExemplarSnapshot? exemplar)
    {
        if (exemplar is null)
        {
            return;
        }

        writer.Write(" # {"u8);
        var first = true;
        foreach (var label in exemplar.ExposedLabels)
        {
            if (!first)
            {
                writer.Write((byte)',');
            }

            first = false;
            writer.WriteUtf8Text(label.Key);
            writer.Write("=\""u8);
            writer.WriteEscaped(label.Value);
            writer.Write((byte)'"');
        }

        writer.Write("} "u8);
        writer.WriteDouble(exemplar.Value);
        writer.Write((byte)' ');
        writer.WriteSecondsFromMilliseconds(exemplar.TimestampMs);
    }

    /// <summary>The exemplar of cell <paramref name="index"/> of <paramref name="series"/>, or null.</summary>
    public static ExemplarSnapshot? At(in SeriesSnapshot series, int index) =>
        series.ExemplarsArray is { } exemplars && index < exemplars.Length ? exemplars[index] : null;
}
