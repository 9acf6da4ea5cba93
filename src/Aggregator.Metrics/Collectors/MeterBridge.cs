using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Aggregator.Metrics.Collectors;

/// <summary>
/// Brings <see cref="System.Diagnostics.Metrics"/> instruments (ASP.NET Core's, the runtime's, any library's) into
/// the exposition as Prometheus families: dots become underscores, the unit becomes a suffix
/// (<c>http.server.request.duration</c> in <c>s</c> is <c>http_server_request_duration_seconds</c>), counters get
/// <c>_total</c>, tags become labels. Counters map to counters, up-down counters and gauges to gauges, histograms to
/// histograms with the instrument's advised bucket bounds (OpenTelemetry's defaults otherwise). Thread-safe; dispose
/// it to stop listening.
/// </summary>
/// <remarks>
/// Under <see cref="NameValidation.Utf8"/> instrument names and tag keys are kept as declared, with the unit suffix
/// still added (<c>http.server.request.duration_seconds</c>, label <c>http.request.method</c>), as OpenTelemetry's
/// Prometheus translation without UTF-8 escaping does: a scraper asking <c>escaping=allow-utf-8</c> sees them intact,
/// and any other sees them escaped, under the default <c>underscores</c> exactly as the legacy renaming gives them.
/// <para>
/// An instrument yields a family only once it has published: a synchronous one at its first measurement, an observable
/// one at its first observation other than zero (from then on every observation is shown, zeros included). An
/// observable callback cannot say "nothing yet" except by returning zero, and some poll a component the process never
/// loads: .NET's MsQuic meter reports some forty counters and gauges of zeros on a node that never uses QUIC. The
/// families are <see cref="MetricDefinition.PerNode"/>: instruments measure the process they run in.
/// </para>
/// <para>
/// Exemplars: a <see cref="MeterListener"/> callback receives the measurement and its tags, nothing more (.NET 10 has
/// no exemplar API there), so a synchronous counter's or histogram's measurement takes <see cref="Activity.Current"/>
/// as its exemplar when that activity is sampled (<see cref="ActivityTraceFlags.Recorded"/>), as OpenTelemetry .NET's
/// default trace-based exemplar filter does: the series (or the measurement's bucket) keeps the last one.
/// </para>
/// </remarks>
public sealed class MeterBridge : IDisposable
{
    /// <summary>The name it registers under in <see cref="MetricRegistry.AddCollector"/>.</summary>
    public const string Name = "meters";

    // OpenTelemetry's default explicit bucket bounds, for histograms that advise none.
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener = new();
    private readonly string[] _meterPrefixes;
    private readonly string[] _excludedMeters;
    private readonly NameValidation _nameValidation;
    private readonly Lock _lock = new();
    private readonly List<InstrumentState> _instruments = [];

    /// <summary>Starts listening to the meters whose names start with one of <paramref name="meterPrefixes"/> (all when none).</summary>
    /// <param name="meterPrefixes">Meter-name prefixes to listen to; every meter when null or empty.</param>
    /// <param name="excludedMeters">Meter names never listened to (e.g. "System.Runtime" when <see cref="RuntimeCollector"/> reports the same).</param>
    /// <param name="nameValidation">
    /// The catalog's <see cref="MetricsOptions.NameValidation"/>: <see cref="NameValidation.Utf8"/> keeps instrument
    /// names and tag keys as declared; <see cref="NameValidation.Legacy"/> (the default) renames them.
    /// </param>
    public MeterBridge(IEnumerable<string>? meterPrefixes = null, IEnumerable<string>? excludedMeters = null, NameValidation nameValidation = NameValidation.Legacy)
    {
        _meterPrefixes = [.. meterPrefixes ?? []];
        _excludedMeters = [.. excludedMeters ?? []];
        _nameValidation = nameValidation;
        _listener.InstrumentPublished = OnPublished;
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_lock)
            {
                _instruments.RemoveAll(i => ReferenceEquals(i.Instrument, instrument));
            }
        };
        _listener.SetMeasurementEventCallback<double>(static (i, m, t, s) => ((InstrumentState)s!).Record(m, t));
        _listener.SetMeasurementEventCallback<float>(static (i, m, t, s) => ((InstrumentState)s!).Record(m, t));
        _listener.SetMeasurementEventCallback<long>(static (i, m, t, s) => ((InstrumentState)s!).Record(m, t));
        _listener.SetMeasurementEventCallback<int>(static (i, m, t, s) => ((InstrumentState)s!).Record(m, t));
        _listener.SetMeasurementEventCallback<short>(static (i, m, t, s) => ((InstrumentState)s!).Record(m, t));
        _listener.SetMeasurementEventCallback<byte>(static (i, m, t, s) => ((InstrumentState)s!).Record(m, t));
        _listener.SetMeasurementEventCallback<decimal>(static (i, m, t, s) => ((InstrumentState)s!).Record((double)m, t));
        _listener.Start();
    }

    /// <summary>Adds the bridge's families to <paramref name="registry"/>'s collections.</summary>
    public void Register(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddCollector(Name, Collect);
    }

    /// <summary>Reads the observable instruments and returns every instrument's family.</summary>
    public IEnumerable<MetricFamilySnapshot> Collect()
    {
        _listener.RecordObservableInstruments();
        InstrumentState[] instruments;
        lock (_lock)
        {
            instruments = [.. _instruments];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var families = new List<MetricFamilySnapshot>(instruments.Length);
        foreach (var instrument in instruments)
        {
            // Two instruments that map to one name: the first one published is kept.
            if (instrument.Snapshot() is { } family && seen.Add(family.Name))
            {
                families.Add(family);
            }
        }

        return families;
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    /// <summary>The Prometheus name of an instrument: sanitised, with the unit as a suffix.</summary>
    public static string PrometheusName(string instrumentName, string? unit) => PrometheusName(instrumentName, unit, NameValidation.Legacy);

    /// <summary>
    /// The Prometheus name of an instrument with the unit as a suffix: sanitised under <see cref="NameValidation.Legacy"/>;
    /// as declared under <see cref="NameValidation.Utf8"/> (sanitised only when it is not a valid UTF-8 name).
    /// </summary>
    public static string PrometheusName(string instrumentName, string? unit, NameValidation nameValidation)
    {
        ArgumentNullException.ThrowIfNull(instrumentName);
        var name = Keep(instrumentName, nameValidation) ? instrumentName : Sanitize(instrumentName, allowColon: true);
        var suffix = UnitSuffix(unit);
        return suffix.Length == 0 || name.EndsWith("_" + suffix, StringComparison.Ordinal) ? name : name + "_" + suffix;
    }

    private static string UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => string.Empty,
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "min" => "minutes",
        "h" => "hours",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "%" => "percent",
        _ when unit.StartsWith('{') => string.Empty,
        _ => Sanitize(unit, allowColon: false).Trim('_'),
    };

    // Under UTF-8 validation a name that is one is kept as declared; any other is renamed.
    private static bool Keep(string name, NameValidation nameValidation) =>
        nameValidation == NameValidation.Utf8 && MetricNames.IsValidUtf8Name(name);

    private static string Sanitize(string text, bool allowColon)
    {
        var builder = new StringBuilder(text.Length + 1);
        foreach (var c in text)
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':') ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    private void OnPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter.Name;
        if ((_meterPrefixes.Length > 0 && !_meterPrefixes.Any(p => meter.StartsWith(p, StringComparison.Ordinal)))
            || _excludedMeters.Contains(meter, StringComparer.Ordinal))
        {
            return;
        }

        var state = new InstrumentState(instrument, _nameValidation);
        lock (_lock)
        {
            _instruments.Add(state);
        }

        listener.EnableMeasurementEvents(instrument, state);
    }

    /// <summary>One instrument's series, keyed by their tag sets. Measurements arrive on any thread.</summary>
    private sealed class InstrumentState
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly SortedSet<string> _labelNames = new(StringComparer.Ordinal);
        private readonly MetricType _type;
        private readonly bool _cumulative;
        private readonly double[] _buckets;
        private readonly bool _observable;
        private readonly NameValidation _nameValidation;
        private bool _published;

        public InstrumentState(Instrument instrument, NameValidation nameValidation)
        {
            Instrument = instrument;
            _nameValidation = nameValidation;
            var typeName = instrument.GetType().Name;
            (_type, _cumulative) = typeName switch
            {
                _ when typeName.StartsWith("ObservableCounter", StringComparison.Ordinal) => (MetricType.Counter, false),
                _ when typeName.StartsWith("Counter", StringComparison.Ordinal) => (MetricType.Counter, true),
                _ when typeName.StartsWith("UpDownCounter", StringComparison.Ordinal) => (MetricType.Gauge, true),
                _ when typeName.StartsWith("Histogram", StringComparison.Ordinal) => (MetricType.Histogram, true),
                _ => (MetricType.Gauge, false),
            };
            _buckets = _type == MetricType.Histogram ? AdvisedBuckets(instrument) ?? DefaultBuckets : [];
            _observable = instrument.IsObservable;
        }

        public Instrument Instrument { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = Key(tags);
            lock (_lock)
            {
                if (!_series.TryGetValue(key, out var series))
                {
                    _series[key] = series = new Series(Labels(tags, _nameValidation), _buckets.Length + 1);
                    foreach (var name in series.Labels.Keys)
                    {
                        _labelNames.Add(name);
                    }
                }

                _published |= !_observable || value != 0;

                if (_type == MetricType.Histogram)
                {
                    var i = 0;
                    while (i < _buckets.Length && !(value <= _buckets[i]))
                    {
                        i++;
                    }

                    series.Counts[i]++;
                    series.Sum += value;
                    RecordExemplar(series, i, value);
                }
                else
                {
                    series.Value = _cumulative ? series.Value + value : value;
                    if (_type == MetricType.Counter)
                    {
                        RecordExemplar(series, 0, value);
                    }
                }
            }
        }

        public MetricFamilySnapshot? Snapshot()
        {
            lock (_lock)
            {
                if (!_published)
                {
                    return null;
                }

                var labelNames = _labelNames.ToArray();
                var definition = new MetricDefinition(
                    _type,
                    PrometheusName(Instrument.Name, Instrument.Unit, _nameValidation),
                    Instrument.Description,
                    labelNames,
                    buckets: _type == MetricType.Histogram ? _buckets : null,
                    perNode: true,
                    nameValidation: _nameValidation);
                var snapshots = _series.Values.Select(s =>
                {
                    var values = labelNames.Select(n => s.Labels.GetValueOrDefault(n, string.Empty)).ToArray();
                    var exemplars = ExemplarStore.Collect(s.Exemplars, shared: false);
                    if (_type != MetricType.Histogram)
                    {
                        return SeriesSnapshot.ForValue(values, s.Value).WithExemplars(exemplars);
                    }

                    var cumulative = new long[s.Counts.Length];
                    long running = 0;
                    for (var i = 0; i < cumulative.Length; i++)
                    {
                        cumulative[i] = running += s.Counts[i];
                    }

                    return SeriesSnapshot.ForHistogram(values, cumulative, s.Sum).WithExemplars(exemplars);
                }).ToArray();
                return new MetricFamilySnapshot(definition, snapshots);
            }
        }

        // Under the instrument's lock, so the series' exemplar cells are written by one thread at a time.
        private void RecordExemplar(Series series, int cell, double value)
        {
            if (!_observable && Activity.Current is { Recorded: true, IdFormat: ActivityIdFormat.W3C } activity)
            {
                ExemplarStore.RecordSlow(ref series.Exemplars, cell, series.Counts.Length, value, Exemplar.FromActivity(activity), shared: false, TimeProvider.System);
            }
        }

        private static double[]? AdvisedBuckets(Instrument instrument) => instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        };

        private static string Key(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty)
            {
                return string.Empty;
            }

            var pairs = new List<string>(tags.Length);
            foreach (var tag in tags)
            {
                pairs.Add(tag.Key + "\u0001" + Format(tag.Value));
            }

            pairs.Sort(StringComparer.Ordinal);
            return string.Join('\u0002', pairs);
        }

        private static Dictionary<string, string> Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags, NameValidation nameValidation)
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                var name = Keep(tag.Key, nameValidation) ? tag.Key : Sanitize(tag.Key, allowColon: false);
                if (name.StartsWith("__", StringComparison.Ordinal))
                {
                    name = "tag" + name;
                }

                labels[name] = Format(tag.Value);
            }

            return labels;
        }

        private static string Format(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;

        private sealed class Series(Dictionary<string, string> labels, int buckets)
        {
            public Dictionary<string, string> Labels { get; } = labels;

            public long[] Counts { get; } = new long[buckets];

            public double Value { get; set; }

            public double Sum { get; set; }

            // One per bucket (one for a counter), made at the first sampled measurement.
            public ExemplarStore.Cell[]? Exemplars;
        }
    }
}
