using System.Collections.Frozen;

namespace Aggregator.Metrics;

/// <summary>
/// The definitions shared by a set of registries, so that no two of them disagree on a name's type or labels
/// (in an actor system: one catalog per node, shared by every worker). Thread-safe.
/// </summary>
public sealed class MetricCatalog
{
    // Every name the registry's own families occupy, in both formats, with the family that occupies it.
    private static readonly FrozenDictionary<string, MetricDefinition> ReservedSampleNames =
        new[] { MetricRegistry.DroppedSeriesDefinition, MetricRegistry.CollectorErrorsDefinition }
            .SelectMany(d => SampleNames.Occupied(d).Select(sample => KeyValuePair.Create(sample, d)))
            .ToFrozenDictionary(StringComparer.Ordinal);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, MetricDefinition> _byDeclaredName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricDefinition> _byFamilyName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricDefinition> _bySampleName = new(StringComparer.Ordinal);

    /// <summary>Creates a catalog with the given policies (defaults when null).</summary>
    public MetricCatalog(MetricsOptions? options = null)
    {
        Options = options ?? new MetricsOptions();
        if (Options.MaxSeriesPerFamily < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxSeriesPerFamily, "MaxSeriesPerFamily must be at least 1.");
        }

        if (Options.Namespace.Length > 0)
        {
            MetricNames.ValidateMetricName(Options.Namespace, Options.NameValidation);
        }
    }

    /// <summary>The policies every registry of this catalog follows.</summary>
    public MetricsOptions Options { get; }

    /// <summary>
    /// Declares a metric: applies the namespace, the name callback and the info suffix, validates, and returns the
    /// definition. An equal definition under the same name returns the existing one.
    /// </summary>
    /// <param name="type">The metric type.</param>
    /// <param name="name">The name callers use in name-based operations.</param>
    /// <param name="options">The rest of the declaration.</param>
    /// <returns>
    /// The definition. Under <see cref="NameConflictPolicy.Ignore"/> a conflicting declaration returns the first
    /// definition when it has the same type and family name, and null otherwise.
    /// </returns>
    /// <exception cref="MetricDefinitionException">The definition breaks a rule of the data model.</exception>
    /// <exception cref="MetricConflictException">The name is taken by a different definition and the policy is <see cref="NameConflictPolicy.Error"/>.</exception>
    public MetricDefinition? Declare(MetricType type, string name, MetricOptions? options = null) =>
        Register(name, Build(type, name, options ?? MetricOptions.None));

    /// <summary>Builds the definition a declaration asks for (namespace, name callback, info suffix applied) without registering it.</summary>
    /// <exception cref="MetricDefinitionException">The definition breaks a rule of the data model, or a name it exposes is one of the registry's own.</exception>
    internal MetricDefinition Build(MetricType type, string name, MetricOptions options)
    {
        MetricNames.ValidateMetricName(name, Options.NameValidation);
        var definition = new MetricDefinition(
            type,
            ExposedName(type, name, options.Namespace),
            options.Help,
            options.LabelNames,
            options.Timestamped,
            options.GaugePolicy ?? Options.DefaultGaugePolicy,
            type == MetricType.Histogram && options.NativeHistogram is null ? options.Buckets ?? Buckets.Default : options.Buckets,
            options.PerNode,
            options.NativeHistogram,
            Options.NameValidation);

        // Refused here, whatever the conflict policy: every registry writes these families, so a metric under one of
        // their names would make each collection hold two families of that name.
        foreach (var sample in SampleNames.Occupied(definition))
        {
            if (ReservedSampleNames.TryGetValue(sample, out var reserved))
            {
                throw new MetricDefinitionException(
                    $"Metric '{name}' is exposed as '{definition.SampleName()}', a name reserved for the registry's own {MetricDefinition.TypeName(reserved.Type)} '{reserved.SampleName()}': declare it under another name.",
                    nameof(name));
            }
        }

        return definition;
    }

    /// <summary>Registers <paramref name="definition"/> under the declared <paramref name="name"/>, applying the name-conflict policy.</summary>
    internal MetricDefinition? Register(string name, MetricDefinition definition)
    {
        lock (_lock)
        {
            if (_byDeclaredName.TryGetValue(name, out var existing))
            {
                return existing.Equals(definition) ? existing : Conflict(name, existing, definition);
            }

            if (_byFamilyName.TryGetValue(definition.Name, out existing))
            {
                // Another declared name maps to the same family (e.g. "x" and "x_total" for a counter).
                if (existing.Equals(definition))
                {
                    _byDeclaredName[name] = existing;
                    return existing;
                }

                return Conflict(name, existing, definition);
            }

            foreach (var sample in SampleNames.Occupied(definition))
            {
                if (_bySampleName.TryGetValue(sample, out existing))
                {
                    return Conflict(name, existing, definition);
                }
            }

            _byDeclaredName[name] = definition;
            _byFamilyName[definition.Name] = definition;
            foreach (var sample in SampleNames.Occupied(definition))
            {
                _bySampleName[sample] = definition;
            }

            return definition;
        }
    }

    /// <summary>Finds the definition declared under <paramref name="name"/> (the name callers use).</summary>
    public bool TryGet(string name, out MetricDefinition definition)
    {
        lock (_lock)
        {
            return _byDeclaredName.TryGetValue(name, out definition!);
        }
    }

    /// <summary>Every definition declared so far, sorted by family name.</summary>
    public IReadOnlyList<MetricDefinition> Definitions
    {
        get
        {
            lock (_lock)
            {
                return [.. _byFamilyName.Values.OrderBy(d => d.Name, StringComparer.Ordinal)];
            }
        }
    }

    private string ExposedName(MetricType type, string name, string? metricNamespace)
    {
        var exposed = Options.NameCallback is { } callback ? callback(type, name) : name;
        if (string.IsNullOrEmpty(exposed))
        {
            throw new MetricDefinitionException($"The name callback returned an empty name for {MetricDefinition.TypeName(type)} '{name}'.", nameof(name));
        }

        if (type == MetricType.Info && !exposed.EndsWith(SampleNames.Info, StringComparison.Ordinal))
        {
            exposed += SampleNames.Info;
        }

        var prefix = metricNamespace ?? Options.Namespace;
        return prefix.Length == 0 ? exposed : prefix + "_" + exposed;
    }

    private MetricDefinition? Conflict(string name, MetricDefinition existing, MetricDefinition wanted)
    {
        if (Options.NameConflictPolicy == NameConflictPolicy.Ignore)
        {
            // Keep the first definition; hand it back only where a typed handle of it is what the caller asked for.
            return existing.Type == wanted.Type && existing.Name == wanted.Name ? existing : null;
        }

        var what = existing.Name == wanted.Name
            ? existing.DescribeDifference(wanted)
            : $"its samples collide with {MetricDefinition.TypeName(existing.Type)} '{existing.Name}'";
        throw new MetricConflictException(
            $"Metric '{name}' is already declared as {existing} and cannot be declared again as {wanted}: {what}.");
    }
}
