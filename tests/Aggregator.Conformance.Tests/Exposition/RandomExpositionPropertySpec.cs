using System.Buffers;
using System.Globalization;
using System.Text;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Aggregator.Conformance.Tests.Exposition;

/// <summary>
/// Random label values (quotes, backslashes, newlines, Unicode beyond the BMP, empty) and random values (finite,
/// infinite, NaN, -0): promtool accepts the text, both Python parsers accept, and every label value and value comes
/// back exactly. Each case batches many series into one exposition, since every tool run is a process.
/// </summary>
public sealed class RandomExpositionPropertySpec
{
    private static readonly Gen<char> Characters = Gen.Frequency(
        (6, Gen.Choose(0x20, 0x7E).Select(c => (char)c)),
        (2, Gen.Elements('"', '\\', '\n', '{', '}', ',', '=', '#')),
        (2, Gen.Choose(0xA0, 0xD7FF).Select(c => (char)c)));

    // Astral-plane characters (emoji, musical symbols) are surrogate pairs: generated as pairs, so always valid UTF-16.
    private static readonly Gen<string> Astral = Gen.Choose(0x1F300, 0x1F64F).Select(char.ConvertFromUtf32);

    private static readonly Gen<string> LabelValue = Gen.Frequency(
        (1, Gen.Constant(string.Empty)),
        (8, Gen.ListOf(Gen.Frequency((8, Characters.Select(c => c.ToString())), (1, Astral))).Select(parts => string.Concat(parts.Take(12)))));

    private static readonly Gen<double> Value = Gen.Frequency(
        (5, Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 64.0)),
        (3, from m in Gen.Choose(1, int.MaxValue) from e in Gen.Choose(-300, 300) select m * Math.Pow(10, e) / int.MaxValue),
        (2, Gen.Elements(double.PositiveInfinity, double.NegativeInfinity, double.NaN, -0.0, 0.0, 1e20, 1e-5, double.MaxValue, double.Epsilon)));

    private static readonly Gen<double> Increment = Gen.Frequency(
        (4, Gen.Choose(0, 1_000_000).Select(i => i / 8.0)),
        (1, Gen.Elements(0.1, 1e20, double.PositiveInfinity)));

    private static readonly Gen<RandomCase> Cases =
        from gauges in Gen.ArrayOf(from l in LabelValue from v in Value select (Label: l, Value: v))
        from counters in Gen.ArrayOf(from l in LabelValue from v in Increment select (Label: l, Value: v))
        select new RandomCase(gauges.Take(40).ToArray(), counters.Take(40).ToArray());

    [Property(MaxTest = 40)]
    public Property Random_label_values_and_values_pass_both_tools_and_round_trip() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var registry = new WorkerRegistry();
            var gauge = registry.Gauge("random_level", "Random values", "v");
            var counter = registry.Counter("random_total", "Random increments", "v");
            var expectedGauges = new Dictionary<string, double>(StringComparer.Ordinal);
            var expectedCounters = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (label, value) in c.Gauges)
            {
                gauge.WithLabels(label).Set(value);
                expectedGauges[label] = value;
            }

            foreach (var (label, value) in c.Counters)
            {
                counter.WithLabels(label).Inc(value);
                expectedCounters[label] = expectedCounters.GetValueOrDefault(label) + value;
            }

            var snapshot = registry.Collect();
            var text = Render(snapshot, ExpositionFormat.Text);
            var openMetrics = Render(snapshot, ExpositionFormat.OpenMetrics);

            Promtool.AssertClean(text);
            foreach (var families in new[] { PythonParser.Parse(text, openMetrics: false), PythonParser.Parse(openMetrics, openMetrics: true) })
            {
                AssertSamples(expectedGauges, families.Single(f => f.Name == "random_level").Samples.Where(s => s.Name == "random_level"));
                AssertSamples(expectedCounters, families.Single(f => f.Name is "random" or "random_total").Samples.Where(s => s.Name == "random_total"));
            }
        });

    private static void AssertSamples(Dictionary<string, double> expected, IEnumerable<ParsedSample> samples)
    {
        var parsed = samples.ToDictionary(s => s.Labels["v"], s => ParsePython(s.Value), StringComparer.Ordinal);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), parsed.Keys.Order(StringComparer.Ordinal));
        foreach (var (label, value) in expected)
        {
            // Bit for bit: -0 stays -0, NaN stays NaN.
            Assert.True(
                BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(parsed[label]) || (double.IsNaN(value) && double.IsNaN(parsed[label])),
                $"label {label}: wrote {value:R}, parsed {parsed[label]:R}");
        }
    }

    private static double ParsePython(string repr) => repr switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(repr, CultureInfo.InvariantCulture),
    };

    private static string Render(MetricsSnapshot snapshot, ExpositionFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ExpositionWriter.Write(snapshot, format, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public sealed record RandomCase((string Label, double Value)[] Gauges, (string Label, double Value)[] Counters);
}
