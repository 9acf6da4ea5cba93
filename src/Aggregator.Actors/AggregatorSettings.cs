using Akka.Actor;
using Akka.Configuration;
using Aggregator.Actors.Telemetry;
using Aggregator.Metrics;

namespace Aggregator.Actors;

/// <summary>
/// Aggregator's settings for one actor system, read from the <c>aggregator</c> HOCON section (defaults in the
/// embedded <c>reference.conf</c>). Immutable.
/// </summary>
public sealed record AggregatorSettings
{
    /// <summary>How long the node collector waits for workers in one collection (default 2 s).</summary>
    public TimeSpan CollectionTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The workers a collection asks when a request names none (default: every worker).</summary>
    public WorkerSelection Workers { get; init; } = WorkerSelection.All;

    /// <summary>
    /// How many distinct worker selections keep merge state at once (default 64); the least recently used is evicted,
    /// and its next request starts its view of retired workers afresh.
    /// </summary>
    public int SelectionCacheSize { get; init; } = 64;

    /// <summary>
    /// How many parent paths keep their own folded total of stopped workers (default 1000); the workers of further
    /// parents fold into one total for any path, which only selections of every worker see.
    /// </summary>
    public int MaxRetiredGroups { get; init; } = 1000;

    /// <summary>
    /// Whether the status page is served next to the metrics endpoint by the node and the standalone server, and the
    /// collectors record their last collection for it (default off; <c>aggregator.status-page</c>).
    /// </summary>
    public bool StatusPage { get; init; }

    /// <summary>Which built-in collectors run (all by default).</summary>
    public BuiltInCollectors Collectors { get; init; } = new();

    /// <summary>Actor telemetry (<c>aggregator.telemetry</c>; off by default).</summary>
    public TelemetrySettings Telemetry { get; init; } = new();

    /// <summary>The policies of the actor system's metric catalog.</summary>
    public MetricsOptions Metrics { get; init; } = new();

    /// <summary>The HOCON defaults, as embedded in this assembly.</summary>
    public static Config DefaultConfig() =>
        ConfigurationFactory.FromResource<AggregatorSettings>("Aggregator.Actors.reference.conf");

    /// <summary>
    /// Reads the settings of <paramref name="system"/>: its <c>aggregator</c> HOCON section, then the
    /// <see cref="AggregatorSetup"/> it was created with, if any, for the catalog policies.
    /// </summary>
    public static AggregatorSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var settings = Create(system.Settings.Config.WithFallback(DefaultConfig()).GetConfig("aggregator"));
        var setup = system.Settings.Setup.Get<AggregatorSetup>();
        return setup.HasValue ? settings with { Metrics = setup.Value.Apply(settings.Metrics) } : settings;
    }

    /// <summary>Reads settings from an <c>aggregator</c> section (missing keys take the reference defaults).</summary>
    /// <exception cref="ConfigurationException">A key has a value outside its documented set.</exception>
    public static AggregatorSettings Create(Config aggregatorSection)
    {
        ArgumentNullException.ThrowIfNull(aggregatorSection);
        var config = aggregatorSection.WithFallback(DefaultConfig().GetConfig("aggregator"));
        var timeout = config.GetTimeSpan("collection-timeout");
        if (timeout <= TimeSpan.Zero)
        {
            throw new ConfigurationException($"aggregator.collection-timeout must be positive, not {timeout}.");
        }

        return new AggregatorSettings
        {
            CollectionTimeout = timeout,
            SelectionCacheSize = Positive(config, "selection-cache-size"),
            MaxRetiredGroups = Positive(config, "max-retired-groups"),
            StatusPage = config.GetBoolean("status-page"),
            Workers = new WorkerSelection(config.GetStringList("workers")),
            Collectors = new BuiltInCollectors
            {
                Process = config.GetBoolean("collectors.process"),
                Runtime = config.GetBoolean("collectors.runtime"),
                Meters = config.GetBoolean("collectors.meters"),
                MeterPrefixes = [.. config.GetStringList("collectors.meter-prefixes")],
                Cluster = config.GetBoolean("collectors.cluster"),
            },
            Telemetry = TelemetrySettings.Create(config.GetConfig("telemetry")),
            Metrics = new MetricsOptions
            {
                MaxSeriesPerFamily = config.GetInt("max-series-per-family"),
                Namespace = config.GetString("namespace") ?? string.Empty,
                DefaultGaugePolicy = ParseEnum<GaugeMergePolicy>(config, "default-gauge-policy"),
                NameConflictPolicy = ParseEnum<NameConflictPolicy>(config, "name-conflict-policy"),
                NameMissingPolicy = ParseEnum<NameMissingPolicy>(config, "name-missing-policy"),
                NameValidation = ParseEnum<NameValidation>(config, "name-validation"),
            },
        };
    }

    private static int Positive(Config config, string key)
    {
        var value = config.GetInt(key);
        return value > 0 ? value : throw new ConfigurationException($"aggregator.{key} must be positive, not {value}.");
    }

    private static T ParseEnum<T>(Config config, string key)
        where T : struct, Enum
    {
        var text = config.GetString(key);
        return Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new ConfigurationException(
                $"aggregator.{key} = '{text}' is not one of: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
    }
}
