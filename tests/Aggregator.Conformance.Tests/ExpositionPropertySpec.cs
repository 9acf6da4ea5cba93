using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Aggregator.Conformance.Tests.Conformance;
using Aggregator.Metrics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Aggregator.Conformance.Tests;

/// <summary>
/// Random label values (quotes, backslashes, newlines, any Unicode scalar value including astral-plane characters, the
/// empty string), random gauge values (any finite double, +Inf, -Inf, NaN), random non-negative counter increments,
/// and histograms (random bucket bounds, negative ones included) and summaries with random observations; several
/// families and series per case, written in both formats: promtool must be silent and both Python parsers must read
/// back every label value, value, count, sum, bucket and timestamp exactly. Each case starts promtool and Python once.
/// </summary>
public sealed class ExpositionPropertySpec
{
    [Property(MaxTest = 40, Arbitrary = new[] { typeof(ExpositionArbitraries) })]
    public async Task Random_label_values_and_values_round_trip_through_every_tool(ExpositionCase @case)
    {
        ArgumentNullException.ThrowIfNull(@case);
        var (snapshot, expected) = @case.Run();
        await ExpositionCheck.VerifyAsync(snapshot, expected);
    }
}

/// <summary>One recorded update: the series (by label values), the value set, added or observed, and how far the clock moved first.</summary>
public sealed record ExpositionUpdate(string[] LabelValues, double Value, int AdvanceMs);

/// <summary>
/// One family of a case: a gauge (values are set), a counter (values are added), a histogram with its bucket bounds
/// or a summary (values are observed).
/// </summary>
public sealed record ExpositionFamilyCase(
    MetricType Type,
    string Help,
    string[] LabelNames,
    bool Timestamped,
    GaugeMergePolicy Policy,
    double[]? Buckets,
    IReadOnlyList<ExpositionUpdate> Updates);

/// <summary>A generated case: a registry kind, a start time and families with their updates.</summary>
public sealed record ExpositionCase(bool Shared, long StartMs, IReadOnlyList<ExpositionFamilyCase> Families)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The family name of family <paramref name="index"/> (without a counter's <c>_total</c>).</summary>
    public static string FamilyName(int index, MetricType type) => string.Create(
        CultureInfo.InvariantCulture,
        $"prop_{index:D2}_{type switch { MetricType.Counter => "events", MetricType.Gauge => "level", MetricType.Histogram => "wait_seconds", _ => "size_bytes" }}");

    /// <summary>
    /// A bucket bound as the writers render <c>le</c>: shortest round-trip, lower-case exponent, ".0" added to whole
    /// numbers (the rule the deterministic specs pin down with literal strings).
    /// </summary>
    public static string Le(double bound)
    {
        var text = bound.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
        return text.AsSpan().IndexOfAny(".e") < 0 ? text + ".0" : text;
    }

    /// <summary>Records the case into a fresh registry and returns its snapshot, with what the exposition must show (a model of the updates).</summary>
    public (MetricsSnapshot Snapshot, List<ExpectedFamily> Expected) Run()
    {
        var clock = new ManualClock(StartMs);
        var catalog = new MetricCatalog(new MetricsOptions { TimeProvider = clock });
        MetricRegistry registry = Shared ? new SharedRegistry(catalog) : new WorkerRegistry(catalog);
        var expected = new List<ExpectedFamily>();
        for (var i = 0; i < Families.Count; i++)
        {
            var family = Families[i];
            var name = FamilyName(i, family.Type);
            var options = new MetricOptions
            {
                Help = family.Help,
                LabelNames = family.LabelNames,
                Timestamped = family.Timestamped,
                GaugePolicy = family.Policy,
                Buckets = family.Buckets,
            };
            Action<string[], double> record;
            switch (family.Type)
            {
                case MetricType.Counter:
                    var counter = registry.Counter(name + "_total", options);
                    record = (labels, value) => counter.WithLabels(labels).Inc(value);
                    break;
                case MetricType.Gauge:
                    var gauge = registry.Gauge(name, options);
                    record = (labels, value) => gauge.WithLabels(labels).Set(value);
                    break;
                case MetricType.Histogram:
                    var histogram = registry.Histogram(name, options);
                    record = (labels, value) => histogram.WithLabels(labels).Observe(value);
                    break;
                default:
                    var summary = registry.Summary(name, options);
                    record = (labels, value) => summary.WithLabels(labels).Observe(value);
                    break;
            }

            // The model: per series (keyed by its label values) its state, creation time and last update time.
            var bounds = family.Buckets ?? [];
            var model = new Dictionary<string, SeriesModel>(StringComparer.Ordinal);
            if (family.LabelNames.Length == 0)
            {
                // An unlabelled family has its one series from declaration on.
                model[Key([])] = new SeriesModel([], bounds.Length + 1, clock.EpochMilliseconds);
            }

            foreach (var update in family.Updates)
            {
                clock.Advance(update.AdvanceMs);
                var key = Key(update.LabelValues);
                if (!model.TryGetValue(key, out var state))
                {
                    model[key] = state = new SeriesModel(update.LabelValues, bounds.Length + 1, clock.EpochMilliseconds);
                }

                record(update.LabelValues, update.Value);
                state.Apply(family.Type, bounds, update.Value, clock.EpochMilliseconds);
            }

            var series = model.Values
                .OrderBy(m => m.Labels, Comparer<string[]>.Create(CompareLabelValues))
                .Select(m => m.Expected(family, bounds))
                .ToArray();
            expected.Add(new ExpectedFamily(name, family.Type, family.Help, series));
        }

        return (registry.Collect(), [.. expected.OrderBy(f => f.Name, StringComparer.Ordinal)]);
    }

    /// <summary>Readable in FsCheck's failure report: every string and number exactly (JSON, doubles round-trip).</summary>
    public override string ToString() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>What one series must show, kept from the updates alone.</summary>
    private sealed class SeriesModel(string[] labels, int bucketCount, long createdMs)
    {
        private readonly long[] _counts = new long[bucketCount];
        private double _value;
        private long _count;
        private double _sum;
        private long? _updatedMs;

        public string[] Labels { get; } = labels;

        public void Apply(MetricType type, double[] bounds, double value, long nowMs)
        {
            switch (type)
            {
                case MetricType.Counter:
                    _value += value;
                    break;
                case MetricType.Gauge:
                    _value = value;
                    break;
                default:
                    // The first bucket whose bound is at least the value; NaN and values above every bound in +Inf.
                    var bucket = Array.FindIndex(bounds, b => value <= b);
                    _counts[bucket < 0 ? bounds.Length : bucket]++;
                    _count++;
                    _sum += value;
                    break;
            }

            _updatedMs = nowMs;
        }

        public ExpectedSeries Expected(ExpositionFamilyCase family, double[] bounds)
        {
            long running = 0;
            return new ExpectedSeries
            {
                Labels = [.. family.LabelNames.Zip(Labels)],
                Value = _value,
                Count = _count,
                Sum = _sum,
                Buckets = family.Type == MetricType.Histogram
                    ? [.. _counts.Select((c, i) => (i < bounds.Length ? Le(bounds[i]) : "+Inf", running += c))]
                    : [],
                Created = family.Type == MetricType.Gauge ? null : createdMs / 1000.0,
                TimestampMs = family.Timestamped ? _updatedMs : null,
            };
        }
    }

    private static string Key(string[] labelValues) => JsonSerializer.Serialize(labelValues);

    // The library's series order: label values compared ordinally (UTF-16), one by one.
    private static int CompareLabelValues(string[] x, string[] y)
    {
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var c = string.CompareOrdinal(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return x.Length.CompareTo(y.Length);
    }
}

/// <summary>FsCheck generators for <see cref="ExpositionCase"/> (no shrinking: every step would run the tools again).</summary>
public static class ExpositionArbitraries
{
    private static readonly string[] LabelNamePool = ["a", "b", "path", "code", "x_1", "_hidden"];

    // Characters every escaping and parsing rule cares about, and a few that look like syntax.
    private static readonly string[] SpecialPieces =
    [
        "\"", "\\", "\n", "\\n", "\\\"", "\"\\", "\r", "\t", " ", "#", " # ", "{", "}", "=", ",", "\0", "\u007f", "\u0085",
        "\u00a0", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "é", "中", "😀", "𝄞", "# EOF", "le=\"1\"",
    ];

    private static readonly double[] SpecialGaugeValues =
    [
        double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0, -0.0, 1e+20, 1e-05, -1e-05, double.MaxValue,
        double.MinValue, double.Epsilon, -double.Epsilon, 0.1, 1.0 / 3, 2.5e-308, 9007199254740993, 123456789012345678,
    ];

    private static readonly double[] SpecialIncrements =
    [
        0, -0.0, 1, 0.5, 0.1, 1e-05, 1e+20, double.Epsilon, double.MaxValue, double.PositiveInfinity,
    ];

    public static Arbitrary<ExpositionCase> Cases() => Arb.From(CaseGen);

    /// <summary>Any Unicode scalar value but a surrogate: the BMP and the astral planes.</summary>
    private static Gen<string> ScalarValue { get; } = Gen.Frequency(
        (3, Gen.Choose(0, 0xFFFF).Where(c => c is < 0xD800 or > 0xDFFF).Select(c => ((char)c).ToString())),
        (2, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)));

    private static Gen<string> LabelValue { get; } = Gen.Frequency(
        (1, Gen.Constant(string.Empty)),
        (9, Gen.Choose(1, 10).SelectMany(n => Gen.ArrayOf(
            Gen.Frequency(
                (5, Gen.Elements(SpecialPieces)),
                (5, Gen.Choose('a', 'z').Select(c => ((char)c).ToString())),
                (5, ScalarValue)),
            n)).Select(string.Concat)));

    /// <summary>Any double: 64 random bits (NaN payloads and infinities included when they come up).</summary>
    private static Gen<double> AnyBits { get; } = Gen.ArrayOf(Gen.Choose(0, 255), 8).Select(b => BitConverter.ToDouble([.. b.Select(x => (byte)x)]));

    private static Gen<double> GaugeValue { get; } = Gen.Frequency(
        (3, Gen.Elements(SpecialGaugeValues)),
        (4, AnyBits),
        (2, Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1000.0)),
        (1, Gen.Choose(-1000, 1000).Select(i => (double)i)));

    private static Gen<double> CounterIncrement { get; } = Gen.Frequency(
        (2, Gen.Elements(SpecialIncrements)),
        (3, AnyBits.Where(double.IsFinite).Select(Math.Abs)),
        (4, Gen.Choose(0, 1_000_000).Select(i => i / 1000.0)));

    /// <summary>Any finite double, or a few round ones.</summary>
    private static Gen<double> FiniteValue { get; } = Gen.Frequency(
        (3, AnyBits.Where(double.IsFinite)),
        (2, Gen.Choose(-10_000, 10_000).Select(i => i / 100.0)));

    /// <summary>Bucket bounds: the helpers with random arguments, or any strictly increasing finite doubles (negative ones included).</summary>
    private static Gen<double[]> BucketBounds { get; } = Gen.Frequency(
        (1, Gen.Constant(Metrics.Buckets.Default.ToArray())),
        (2, from start in Gen.Choose(-400, 400)
            from width in Gen.Choose(1, 800)
            from count in Gen.Choose(1, 8)
            select Metrics.Buckets.Linear(start / 4.0, width / 8.0, count)),
        (2, from start in Gen.Choose(1, 100_000)
            from factor in Gen.Choose(11, 100)
            from count in Gen.Choose(1, 8)
            select Metrics.Buckets.Exponential(start / 1000.0, factor / 10.0, count)),
        (3, Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(FiniteValue, n)).Select(b => b.Select(x => x == 0 ? 0 : x).Distinct().Order().ToArray())));

    /// <summary>Observations: any double, and often a bucket bound itself (the edge of the "less or equal" rule).</summary>
    private static Gen<double> Observation(double[] bounds) => Gen.Frequency(
        (3, GaugeValue),
        (2, Gen.Elements(bounds)),
        (1, Gen.Elements(bounds).Select(b => Math.BitIncrement(b))));

    private static Gen<ExpositionFamilyCase> FamilyGen { get; } =
        from type in Gen.Elements(MetricType.Counter, MetricType.Gauge, MetricType.Histogram, MetricType.Summary)
        from help in LabelValue.Select(v => "Help " + v + ".")
        from labelCount in Gen.Choose(0, 3)
        from labelNames in Gen.Shuffle(LabelNamePool).Select(names => names.Take(labelCount).ToArray())
        from timestamped in Gen.Elements(true, false)
        from policy in Gen.Elements(Enum.GetValues<GaugeMergePolicy>())
        from buckets in type == MetricType.Histogram ? BucketBounds.Select(b => (double[]?)b) : Gen.Constant<double[]?>(null)
        from pool in Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.ArrayOf(LabelValue, labelCount), n))
        from updateCount in Gen.Choose(0, 12)
        from updates in Gen.ArrayOf(
            from labels in Gen.Elements(pool)
            from value in type switch
            {
                MetricType.Counter => CounterIncrement,
                MetricType.Gauge => GaugeValue,
                _ => Observation(buckets ?? [1]),
            }
            from advance in Gen.Choose(0, 5_000)
            select new ExpositionUpdate(labels, value, advance),
            updateCount)
        select new ExpositionFamilyCase(type, help, labelNames, timestamped, policy, buckets, updates);

    private static Gen<ExpositionCase> CaseGen { get; } =
        from shared in Gen.Elements(true, false)
        from seconds in Gen.Choose(0, 4_000_000)
        from millis in Gen.Choose(0, 999_999)
        from families in Gen.Choose(2, 6).SelectMany(n => Gen.ArrayOf(FamilyGen, n))
        select new ExpositionCase(shared, (seconds * 1_000_000L) + millis, families);
}
