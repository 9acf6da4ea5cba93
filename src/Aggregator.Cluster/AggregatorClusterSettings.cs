using Akka.Actor;
using Akka.Configuration;

namespace Aggregator.Cluster;

/// <summary>The <c>aggregator.cluster</c> settings (defaults in the embedded reference.conf). Immutable.</summary>
public sealed record AggregatorClusterSettings
{
    /// <summary>How long a cluster-wide collection waits for nodes (default 4 s).</summary>
    public TimeSpan CollectionTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How many distinct node and worker selections keep merge state at once (default 64, least recently used evicted).</summary>
    public int SelectionCacheSize { get; init; } = 64;

    /// <summary>
    /// How long a departed member's totals stay replicated on their own (default 1 h) before the oldest member folds
    /// them into one total per role set, so that the replicated state stays bounded however many members come and go.
    /// </summary>
    public TimeSpan DepartedRetention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether remote nodes answer with replies of changes (default true): each keeps what it last sent this collector
    /// and sends new strings and changed series only, in chunks. False asks their node collectors directly for a whole
    /// merged snapshot in one message, as before (kept to compare with; it fails past the remote frame size).
    /// </summary>
    public bool DeltaReplies { get; init; } = true;

    // Tiny chunks only make sense in tests (many chunks from a few series); below this the per-chunk overhead dominates.
    private const long MinimumChunkSize = 64;

    /// <summary>The largest chunk of a reply of changes in bytes (default 1 MiB), well below the remote frame size.</summary>
    public int ReplyChunkSize { get; init; } = 1024 * 1024;

    /// <summary>The nodes a collection asks when a request names none (default: every node).</summary>
    public NodeSelection Nodes { get; init; } = NodeSelection.All;

    /// <summary>
    /// The HOCON defaults, including the serializer bindings; give it as a fallback to a plain
    /// <c>ActorSystem.Create</c> (Akka.Hosting's WithMetricsAggregator adds it for you).
    /// </summary>
    public static Config DefaultConfig() =>
        ConfigurationFactory.FromResource<AggregatorClusterSettings>("Aggregator.Cluster.reference.conf");

    /// <summary>Reads the settings of <paramref name="system"/>.</summary>
    public static AggregatorClusterSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var config = system.Settings.Config.WithFallback(DefaultConfig()).GetConfig("aggregator.cluster");
        var timeout = config.GetTimeSpan("collection-timeout");
        if (timeout <= TimeSpan.Zero)
        {
            throw new ConfigurationException($"aggregator.cluster.collection-timeout must be positive, not {timeout}.");
        }

        var cacheSize = config.GetInt("selection-cache-size");
        if (cacheSize <= 0)
        {
            throw new ConfigurationException($"aggregator.cluster.selection-cache-size must be positive, not {cacheSize}.");
        }

        var retention = config.GetTimeSpan("departed-retention");
        if (retention <= TimeSpan.Zero)
        {
            throw new ConfigurationException($"aggregator.cluster.departed-retention must be positive, not {retention}.");
        }

        var chunk = config.GetByteSize("reply-chunk-size") ?? 0;
        if (chunk is < MinimumChunkSize or > int.MaxValue)
        {
            throw new ConfigurationException($"aggregator.cluster.reply-chunk-size must be between {MinimumChunkSize} B and 2 GiB, not {chunk} bytes.");
        }

        return new AggregatorClusterSettings
        {
            CollectionTimeout = timeout,
            DeltaReplies = config.GetBoolean("delta-replies"),
            ReplyChunkSize = (int)chunk,
            SelectionCacheSize = cacheSize,
            DepartedRetention = retention,
            Nodes = new NodeSelection(config.GetStringList("roles"), config.GetStringList("nodes")),
        };
    }
}
