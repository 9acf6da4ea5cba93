using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>
/// A set of metric families with their values, declared through typed methods (<see cref="Counter(string, string?, string[])"/>
/// and friends) and used through typed handles or by name (<see cref="Inc(string, ReadOnlySpan{string})"/> and friends).
/// Two kinds share this API: <see cref="WorkerRegistry"/> (one owner, no locks) and <see cref="SharedRegistry"/> (thread-safe).
/// </summary>
public abstract class MetricRegistry
{
    /// <summary>The registry's own count of refused series; no declared metric may expose a name of it.</summary>
    internal static readonly MetricDefinition DroppedSeriesDefinition = new(
        MetricType.Counter,
        "aggregator_series_dropped_total",
        "New series refused because their family reached the series cap.",
        ["family"]);

    /// <summary>The registry's own count of failed custom collectors; no declared metric may expose a name of it.</summary>
    internal static readonly MetricDefinition CollectorErrorsDefinition = new(
        MetricType.Counter,
        "aggregator_collector_errors_total",
        "Custom collector runs that threw or returned invalid families; their output was left out.",
        ["collector"]);

    private readonly Lock? _sync;
    private readonly Dictionary<string, MetricFamily> _byDeclaredName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricFamily> _byFamilyName = new(StringComparer.Ordinal);
    private readonly List<CustomCollector> _collectors = [];
    private readonly Dictionary<string, long> _collectorErrors = new(StringComparer.Ordinal);
    private MetricFamily[]? _sortedFamilies;

    private protected MetricRegistry(MetricCatalog? catalog, bool threadSafe)
    {
        Catalog = catalog ?? new MetricCatalog();
        IsThreadSafe = threadSafe;
        _sync = threadSafe ? new Lock() : null;
    }

    /// <summary>The definitions this registry shares with its siblings, and their policies.</summary>
    public MetricCatalog Catalog { get; }

    /// <summary>
    /// Called when a custom collector throws, returns a family whose name is taken, or returns series that break their
    /// type's rules, with the collector's name and the error, so that the owner can log it; the collection goes on
    /// without what was left out.
    /// </summary>
    public event Action<string, Exception>? CollectorFailed;

    /// <summary>Whether any thread may use this registry (<see cref="SharedRegistry"/>) or only its owner (<see cref="WorkerRegistry"/>).</summary>
    public bool IsThreadSafe { get; }

    /// <summary>Declares (or gets) a counter.</summary>
    /// <param name="name">The name, also used in name-based operations.</param>
    /// <param name="help">The HELP text; the name when null.</param>
    /// <param name="labelNames">The label names.</param>
    public Counter Counter(string name, string? help = null, params string[] labelNames) =>
        Counter(name, new MetricOptions { Help = help, LabelNames = labelNames });

    /// <summary>Declares (or gets) a counter with every option.</summary>
    public Counter Counter(string name, MetricOptions options) =>
        Declare(MetricType.Counter, name, options, static (d, r, detached) => new Counter(d, r, detached));

    /// <summary>Declares (or gets) a gauge.</summary>
    public Gauge Gauge(string name, string? help = null, params string[] labelNames) =>
        Gauge(name, new MetricOptions { Help = help, LabelNames = labelNames });

    /// <summary>Declares (or gets) a gauge with every option (merge policy among them).</summary>
    public Gauge Gauge(string name, MetricOptions options) =>
        Declare(MetricType.Gauge, name, options, static (d, r, detached) => new Gauge(d, r, detached));

    /// <summary>Declares (or gets) a histogram with the default buckets.</summary>
    public Histogram Histogram(string name, string? help = null, params string[] labelNames) =>
        Histogram(name, new MetricOptions { Help = help, LabelNames = labelNames });

    /// <summary>Declares (or gets) a histogram with every option (buckets among them).</summary>
    public Histogram Histogram(string name, MetricOptions options) =>
        Declare(MetricType.Histogram, name, options, static (d, r, detached) => new Histogram(d, r, detached));

    /// <summary>Declares (or gets) a summary.</summary>
    public Summary Summary(string name, string? help = null, params string[] labelNames) =>
        Summary(name, new MetricOptions { Help = help, LabelNames = labelNames });

    /// <summary>Declares (or gets) a summary with every option.</summary>
    public Summary Summary(string name, MetricOptions options) =>
        Declare(MetricType.Summary, name, options, static (d, r, detached) => new Summary(d, r, detached));

    /// <summary>Declares (or gets) an info metric; <c>_info</c> is appended to the exposed name when missing. Needs a label.</summary>
    public Info Info(string name, string? help = null, params string[] labelNames) =>
        Info(name, new MetricOptions { Help = help, LabelNames = labelNames });

    /// <summary>Declares (or gets) an info metric with every option.</summary>
    public Info Info(string name, MetricOptions options) =>
        Declare(MetricType.Info, name, options, static (d, r, detached) => new Info(d, r, detached));

    /// <summary>Adds 1 to the counter or gauge declared as <paramref name="name"/>.</summary>
    public void Inc(string name, params ReadOnlySpan<string> labelValues) => Inc(name, 1, labelValues);

    /// <summary>Adds <paramref name="amount"/> to the counter (not negative) or gauge declared as <paramref name="name"/>.</summary>
    public void Inc(string name, double amount, params ReadOnlySpan<string> labelValues)
    {
        switch (Resolve(name))
        {
            case null:
                return;
            case Counter counter:
                counter.WithLabels(labelValues).Inc(amount);
                return;
            case Gauge gauge:
                gauge.WithLabels(labelValues).Inc(amount);
                return;
            case var other:
                ThrowWrongType(name, other, "Inc", "a counter or gauge");
                return;
        }
    }

    /// <summary>Subtracts 1 from the gauge declared as <paramref name="name"/>.</summary>
    public void Dec(string name, params ReadOnlySpan<string> labelValues) => Dec(name, 1, labelValues);

    /// <summary>Subtracts <paramref name="amount"/> from the gauge declared as <paramref name="name"/>.</summary>
    public void Dec(string name, double amount, params ReadOnlySpan<string> labelValues) =>
        ResolveGauge(name, "Dec")?.WithLabels(labelValues).Dec(amount);

    /// <summary>Sets the gauge declared as <paramref name="name"/>.</summary>
    public void Set(string name, double value, params ReadOnlySpan<string> labelValues) =>
        ResolveGauge(name, "Set")?.WithLabels(labelValues).Set(value);

    /// <summary>Sets the gauge declared as <paramref name="name"/> to the current time in epoch seconds.</summary>
    public void SetToCurrentTime(string name, params ReadOnlySpan<string> labelValues) =>
        ResolveGauge(name, "SetToCurrentTime")?.WithLabels(labelValues).SetToCurrentTime();

    /// <summary>Observes <paramref name="value"/> in the histogram or summary declared as <paramref name="name"/>.</summary>
    public void Observe(string name, double value, params ReadOnlySpan<string> labelValues)
    {
        switch (Resolve(name))
        {
            case null:
                return;
            case Histogram histogram:
                histogram.WithLabels(labelValues).Observe(value);
                return;
            case Summary summary:
                summary.WithLabels(labelValues).Observe(value);
                return;
            case var other:
                ThrowWrongType(name, other, "Observe", "a histogram or summary");
                return;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> and records its duration in seconds in the gauge (set), histogram or summary
    /// (observe) declared as <paramref name="name"/>, also when the action throws (the exception is rethrown).
    /// </summary>
    public void Time(string name, Action action, params ReadOnlySpan<string> labelValues)
    {
        ArgumentNullException.ThrowIfNull(action);
        IDurationRecorder? recorder = Resolve(name) switch
        {
            null => null,
            Gauge gauge => gauge.WithLabels(labelValues),
            Histogram histogram => histogram.WithLabels(labelValues),
            Summary summary => summary.WithLabels(labelValues),
            var other => ThrowWrongType(name, other, "Time", "a gauge, histogram or summary"),
        };

        if (recorder is null)
        {
            action();
            return;
        }

        recorder.Time(action);
    }

    /// <summary>Sets the label values of the info metric declared as <paramref name="name"/>.</summary>
    public void SetInfo(string name, params ReadOnlySpan<string> labelValues)
    {
        switch (Resolve(name))
        {
            case null:
                return;
            case Info info:
                info.Set(labelValues);
                return;
            case var other:
                ThrowWrongType(name, other, "SetInfo", "an info metric");
                return;
        }
    }

    /// <summary>
    /// Adds a custom collector: a callback run at every collection whose families join this registry's. A collector
    /// that throws is left out of that collection, a family whose name is taken is left out alone, and so is a series
    /// that breaks the rules a declared metric keeps (a counter NaN, negative, or below the value it was last exposed
    /// with; an info value other than 1; a negative histogram or summary count, or one below its last). Each failure,
    /// and each family with series left out, is counted in <c>aggregator_collector_errors_total{collector}</c> and
    /// reported through <see cref="CollectorFailed"/>. A series left out for going down is shown again once it is back
    /// at its last exposed value, so that a merged counter never goes down; one the collector stops returning is
    /// forgotten, and may start again from anything.
    /// </summary>
    /// <param name="name">A name for the collector, used in the error count.</param>
    /// <param name="collect">The callback.</param>
    public void AddCollector(string name, Func<IEnumerable<MetricFamilySnapshot>> collect)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(collect);
        using (EnterIfShared())
        {
            _collectors.Add(new CustomCollector(name, collect));
        }
    }

    /// <summary>
    /// Takes an immutable snapshot of every family (and custom collector) of this registry. In a worker registry,
    /// only the owner may call it, like every other member.
    /// </summary>
    public MetricsSnapshot Collect() => Collect(FamilyFilter.All);

    /// <summary>
    /// Takes an immutable snapshot of the families <paramref name="families"/> selects: the others are not copied at all
    /// (custom collectors still run, since their families are only known once they have). In a worker registry, only
    /// the owner may call it.
    /// </summary>
    public MetricsSnapshot Collect(FamilyFilter families) => Collect(families, previous: null);

    /// <summary>
    /// Takes an immutable snapshot of the families <paramref name="families"/> selects, handing back the family snapshots
    /// of <paramref name="previous"/> (this registry's earlier collection) whose series all still hold the same values,
    /// instead of copying them again; <paramref name="previous"/> itself when nothing changed at all. A worker answering
    /// collection after collection allocates only for the families that changed, and a collector's merge recognizes the
    /// unchanged ones by reference. In a worker registry, only the owner may call it.
    /// </summary>
    /// <param name="families">The families to collect.</param>
    /// <param name="previous">What an earlier collection of this registry returned, or null.</param>
    public MetricsSnapshot Collect(FamilyFilter families, MetricsSnapshot? previous)
    {
        ArgumentNullException.ThrowIfNull(families);
        var gathered = Gather();
        var snapshots = new MetricFamilySnapshot[gathered.Count];
        var count = 0;
        var unchanged = previous is not null;
        foreach (var family in gathered)
        {
            if (!families.Matches(family.Definition))
            {
                continue;
            }

            // A collector's family is new each time; only a live family can hand back its previous snapshot.
            var snapshot = family.Snapshot ?? family.Family!.Collect(previous?.Find(family.Definition.Name));
            unchanged = unchanged && count < previous!.FamiliesArray.Length && ReferenceEquals(snapshot, previous.FamiliesArray[count]);
            snapshots[count++] = snapshot;
        }

        return unchanged && count == previous!.FamiliesArray.Length
            ? previous
            : MetricsSnapshot.FromSorted(count == snapshots.Length ? snapshots : snapshots[..count]);
    }

    /// <summary>
    /// Every family of a collection, sorted by name: this registry's own as live families (so that a writer can stream
    /// their series without a snapshot), the custom collectors' and the registry's own counters as snapshots.
    /// </summary>
    internal List<GatheredFamily> Gather()
    {
        MetricFamily[] families;
        CustomCollector[] collectors;
        using (EnterIfShared())
        {
            families = _sortedFamilies ??= [.. _byFamilyName.Values.OrderBy(f => f.Definition.Name, StringComparer.Ordinal)];
            collectors = [.. _collectors];
        }

        var result = new List<GatheredFamily>(families.Length + collectors.Length + 2);

        // Every name a family's samples and metadata occupy, so that a collector's family clashes with none of them (a
        // gauge "x_total" beside a counter "x" would write x_total twice); the registry's own two families are reserved.
        var names = new HashSet<string>(StringComparer.Ordinal);
        names.UnionWith(SampleNames.Occupied(DroppedSeriesDefinition));
        names.UnionWith(SampleNames.Occupied(CollectorErrorsDefinition));
        List<SeriesSnapshot>? dropped = null;
        foreach (var family in families)
        {
            result.Add(new GatheredFamily(family, null));
            names.UnionWith(SampleNames.Occupied(family.Definition));
            if (family.DroppedSeries > 0)
            {
                (dropped ??= []).Add(SeriesSnapshot.ForValue([family.Definition.Name], family.DroppedSeries));
            }
        }

        foreach (var collector in collectors)
        {
            RunCollector(collector, result, names);
        }

        if (dropped is not null)
        {
            result.Add(new GatheredFamily(null, new MetricFamilySnapshot(DroppedSeriesDefinition, [.. dropped])));
        }

        using (EnterIfShared())
        {
            if (_collectorErrors.Count > 0)
            {
                result.Add(new GatheredFamily(null, new MetricFamilySnapshot(
                    CollectorErrorsDefinition,
                    [.. _collectorErrors.Select(e => SeriesSnapshot.ForValue([e.Key], e.Value))])));
            }
        }

        result.Sort(static (a, b) => string.CompareOrdinal(a.Definition.Name, b.Definition.Name));
        return result;
    }

    /// <summary>Finds the family declared (here or in a sibling registry of the catalog) under <paramref name="name"/>.</summary>
    /// <returns>The family, or null when the name is unknown and the name-missing policy is <see cref="NameMissingPolicy.Ignore"/>.</returns>
    /// <exception cref="MetricNotFoundException">The name is unknown and the policy is <see cref="NameMissingPolicy.Error"/>.</exception>
    public MetricFamily? Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_sync is null)
        {
            return _byDeclaredName.TryGetValue(name, out var family) ? family : ResolveDeclaredElsewhere(name);
        }

        lock (_sync)
        {
            return _byDeclaredName.TryGetValue(name, out var family) ? family : ResolveDeclaredElsewhere(name);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IDurationRecorder ThrowWrongType(string name, MetricFamily family, string operation, string needed) =>
        throw new InvalidOperationException(
            $"Metric '{name}' is a {MetricDefinition.TypeName(family.Definition.Type)}: {operation} needs {needed}.");

    private static MetricFamily Create(MetricDefinition definition, MetricRegistry registry, bool detached) => definition.Type switch
    {
        MetricType.Counter => new Counter(definition, registry, detached),
        MetricType.Gauge => new Gauge(definition, registry, detached),
        MetricType.Histogram => new Histogram(definition, registry, detached),
        MetricType.Summary => new Summary(definition, registry, detached),
        _ => new Info(definition, registry, detached),
    };

    private Gauge? ResolveGauge(string name, string operation) => Resolve(name) switch
    {
        null => null,
        Gauge gauge => gauge,
        var other => (Gauge)(object)ThrowWrongType(name, other, operation, "a gauge"),
    };

    private T Declare<T>(MetricType type, string name, MetricOptions options, Func<MetricDefinition, MetricRegistry, bool, T> create)
        where T : MetricFamily
    {
        ArgumentNullException.ThrowIfNull(options);
        var wanted = Catalog.Build(type, name, options);
        var definition = Catalog.Register(name, wanted);
        if (definition is null)
        {
            return create(wanted, this, true);
        }

        using (EnterIfShared())
        {
            if (_byFamilyName.TryGetValue(definition.Name, out var existing))
            {
                _byDeclaredName[name] = existing;
                return (T)existing;
            }

            var family = create(definition, this, false);
            Add(name, family);
            return family;
        }
    }

    private MetricFamily? ResolveDeclaredElsewhere(string name)
    {
        if (!Catalog.TryGet(name, out var definition))
        {
            return Catalog.Options.NameMissingPolicy == NameMissingPolicy.Ignore
                ? null
                : throw new MetricNotFoundException($"No metric named '{name}' has been declared.");
        }

        if (!_byFamilyName.TryGetValue(definition.Name, out var family))
        {
            family = Create(definition, this, detached: false);
        }

        Add(name, family);
        return family;
    }

    private void Add(string declaredName, MetricFamily family)
    {
        _byDeclaredName[declaredName] = family;
        if (_byFamilyName.TryAdd(family.Definition.Name, family))
        {
            _sortedFamilies = null;
        }
    }

    private void RunCollector(CustomCollector collector, List<GatheredFamily> result, HashSet<string> names)
    {
        var errors = new List<Exception>();

        // One run of a collector at a time: each run's values are checked against the run before, so a run that read its
        // values earlier must not be checked after one that read them later.
        try
        {
            using var run = collector.RunLock.EnterScope();
            List<MetricFamilySnapshot> produced;
            try
            {
                produced = [.. collector.Collect()];
            }
#pragma warning disable CA1031 // A failing collector must never break the exposition of the others.
            catch (Exception error)
#pragma warning restore CA1031
            {
                // A run that threw checks nothing, so the last values stay as they were.
                errors.Add(error);
                return;
            }

            // A family whose sample names are taken (by the registry, an earlier collector or itself) is left out alone.
            var free = new List<MetricFamilySnapshot>(produced.Count);
            foreach (var family in produced)
            {
                var sampleNames = family is null ? [] : SampleNames.Occupied(family.Definition).ToArray();
                if (family is null || sampleNames.Any(names.Contains))
                {
                    errors.Add(new InvalidOperationException($"Collector '{collector.Name}' returned {(family is null ? "a null family" : $"family '{family.Name}', whose name is taken")}; it was left out."));
                    continue;
                }

                names.UnionWith(sampleNames);
                free.Add(family);
            }

            // Then each series is held to its type's rules; one that breaks them is left out alone.
            foreach (var family in collector.Check(free, errors))
            {
                result.Add(new GatheredFamily(null, family));
            }
        }
        finally
        {
            // Outside the run's lock: the handlers are the owner's code.
            foreach (var error in errors)
            {
                CountCollectorError(collector.Name, error);
            }
        }
    }

    private void CountCollectorError(string collectorName, Exception error)
    {
        using (EnterIfShared())
        {
            _collectorErrors[collectorName] = _collectorErrors.GetValueOrDefault(collectorName) + 1;
        }

        CollectorFailed?.Invoke(collectorName, error);
    }

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The scope is disposed by the caller's using.")]
    private Lock.Scope EnterIfShared() => _sync is null ? default : _sync.EnterScope();
}
