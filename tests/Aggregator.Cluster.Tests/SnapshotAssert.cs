using System.Globalization;
using Aggregator.Metrics;
using Aggregator.Tests.Support;

namespace Aggregator.Cluster.Tests;

/// <summary>Exact snapshot equality: definitions, label values, and every number bit for bit (so -0, NaN and infinities count).</summary>
public static class SnapshotAssert
{
    public static void Equal(MetricsSnapshot expected, MetricsSnapshot actual)
    {
        Assert.Equal(expected.Families.Count, actual.Families.Count);
        for (var f = 0; f < expected.Families.Count; f++)
        {
            var e = expected.Families[f];
            var a = actual.Families[f];
            Assert.Equal(e.Definition, a.Definition);
            Assert.Equal(e.Definition.ToString(), a.Definition.ToString());
            Assert.Equal(e.Definition.Help, a.Definition.Help);
            Assert.Equal(e.Definition.SampleName(), a.Definition.SampleName());
            Assert.Equal(e.Series.Count, a.Series.Count);
            for (var s = 0; s < e.Series.Count; s++)
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"{e.Name}{{{string.Join(",", e.Series[s].LabelValues)}}}");
                SeriesEqual(e.Series[s], a.Series[s], where);
            }
        }
    }

    private static void SeriesEqual(SeriesSnapshot e, SeriesSnapshot a, string where)
    {
        Assert.Equal(e.LabelValues, a.LabelValues);
        Bits(e.Value, a.Value, where + " value");
        Assert.True(e.Count == a.Count, $"{where} count {e.Count} vs {a.Count}");
        Bits(e.Sum, a.Sum, where + " sum");
        Assert.Equal(e.CumulativeBuckets, a.CumulativeBuckets);
        Assert.True(e.Native is null ? a.Native is null : e.Native.SameAs(a.Native), $"{where} native {e.Native} vs {a.Native}");
        Assert.True(e.TimestampMs == a.TimestampMs, $"{where} timestamp {e.TimestampMs} vs {a.TimestampMs}");
        Assert.Equal(e.Exemplars.Select(x => x?.ToString()), a.Exemplars.Select(x => x?.ToString()));

        // NaN means "no _created": any NaN is as good as another there.
        if (!(double.IsNaN(e.CreatedSeconds) && double.IsNaN(a.CreatedSeconds)))
        {
            Bits(e.CreatedSeconds, a.CreatedSeconds, where + " created");
        }
    }

    private static void Bits(double expected, double actual, string what) =>
        Assert.True(
            BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
            string.Create(CultureInfo.InvariantCulture, $"{what}: expected {expected:R} ({BitConverter.DoubleToInt64Bits(expected):X16}), got {actual:R} ({BitConverter.DoubleToInt64Bits(actual):X16})"));
}
