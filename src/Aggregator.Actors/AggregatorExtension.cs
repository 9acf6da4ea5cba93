using Akka.Actor;
using Akka.Event;
using Aggregator.Actors.Collection;
using Aggregator.Actors.Protocol;
using Aggregator.Actors.Reports;
using Aggregator.Actors.Telemetry;
using Aggregator.Metrics;
using Aggregator.Metrics.Collectors;

namespace Aggregator.Actors;

/// <summary>
/// Aggregator inside one actor system: the shared metric catalog (so every worker of the node agrees on each name's
/// definition), the shared registry for code outside actors, and the node collector. Get it with
/// <see cref="Get(ActorSystem)"/>; it starts on first use.
/// </summary>
public sealed class AggregatorExtension : IExtension
{
    /// <summary>The dispatcher the collectors run on (dedicated threads; see reference.conf).</summary>
    public const string DispatcherId = "aggregator.dispatcher";

    /// <summary>The runtime's built-in meter, left to <see cref="RuntimeCollector"/> when that is on.</summary>
    private const string RuntimeMeterName = "System.Runtime";

    /// <summary>The name of the node collector actor, a system actor: <c>/system/aggregator-node-collector</c>.</summary>
    public const string NodeCollectorName = "aggregator-node-collector";

    // Extra time the asker waits beyond the collection timeout, so that a partial result (which the collector sends
    // at the timeout) arrives before the ask gives up.
    private static readonly TimeSpan ReplyMargin = TimeSpan.FromSeconds(1);

    /// <summary>Creates the extension for <paramref name="system"/>; use <see cref="Get(ActorSystem)"/> instead.</summary>
    public AggregatorExtension(ExtendedActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);

        // The collectors' dispatcher is looked up in the system's configuration.
        system.Settings.InjectTopLevelFallback(AggregatorSettings.DefaultConfig());
        System = system;
        Settings = AggregatorSettings.Create(system);
        Catalog = new MetricCatalog(Settings.Metrics);
        Shared = new SharedRegistry(Catalog);
        Reports = new CollectionReports { Enabled = Settings.StatusPage };
        Address = system.Provider.DefaultAddress;
        RegisterBuiltInCollectors();
        if (Settings.Telemetry.Enabled)
        {
            Telemetry = new ActorTelemetry(this, Settings.Telemetry);
            TelemetryListenerActor.Start(system, Telemetry);
        }

        NodeCollector = system.SystemActorOf(NodeCollectorActor.Props(this), NodeCollectorName);
    }

    /// <summary>The actor system.</summary>
    public ExtendedActorSystem System { get; }

    /// <summary>The settings read from the <c>aggregator</c> HOCON section.</summary>
    public AggregatorSettings Settings { get; }

    /// <summary>The definitions every registry of this actor system shares.</summary>
    public MetricCatalog Catalog { get; }

    /// <summary>The thread-safe registry for code outside actors; collected as one more source. Add custom collectors here.</summary>
    public SharedRegistry Shared { get; }

    /// <summary>This node's address, which makes source names unique across a cluster.</summary>
    public Address Address { get; }

    /// <summary>The node collector's last collection of the configured workers, for the status page.</summary>
    public CollectionReports Reports { get; }

    /// <summary>Actor telemetry of this node; null when <c>aggregator.telemetry.enabled</c> is off.</summary>
    public ActorTelemetry? Telemetry { get; }

    /// <summary>The node collector.</summary>
    public IActorRef NodeCollector { get; }

    /// <summary>Gets (starting on first use) the extension of <paramref name="system"/>.</summary>
    public static AggregatorExtension Get(ActorSystem system) => system.WithExtension<AggregatorExtension, AggregatorExtensionProvider>();

    /// <summary>
    /// Collects and merges this node: the selected workers (the configured selection when null), the shared registry and
    /// the custom collectors, waiting at most <paramref name="timeout"/> (the configured timeout when null) for workers.
    /// </summary>
    public Task<NodeCollectorProtocol.CollectReply> CollectAsync(
        WorkerSelection? selection = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) => CollectAsync(selection, timeout, null, cancellationToken);

    /// <summary>
    /// Collects and merges this node's workers (<paramref name="selection"/>, or the configured selection), shared
    /// registry and custom collectors, keeping only the families <paramref name="families"/> selects: the workers are
    /// asked for those alone.
    /// </summary>
    public Task<NodeCollectorProtocol.CollectReply> CollectAsync(
        WorkerSelection? selection,
        TimeSpan? timeout,
        FamilyFilter? families,
        CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? Settings.CollectionTimeout;
        return NodeCollector.Ask<NodeCollectorProtocol.CollectReply>(
            new NodeCollectorProtocol.Collect(selection ?? Settings.Workers, wait, families),
            wait + ReplyMargin,
            cancellationToken);
    }

    /// <summary>The bridge from System.Diagnostics.Metrics, when <c>aggregator.collectors.meters</c> is on.</summary>
    public MeterBridge? Meters { get; private set; }

    /// <summary>The name a worker has in <c>aggregator_source_up</c>: its path with this node's address.</summary>
    public string SourceName(IActorRef worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return worker.Path.ToStringWithAddress(Address);
    }

    private void RegisterBuiltInCollectors()
    {
        var log = Logging.GetLogger(System, nameof(AggregatorExtension));
        Shared.CollectorFailed += (collector, error) => log.Warning("Collector {0} failed and was left out of the collection: {1}", collector, error);
        var collectors = Settings.Collectors;
        if (collectors.Process)
        {
            ProcessCollector.Register(Shared);
        }

        if (collectors.Runtime)
        {
            RuntimeCollector.Register(Shared);
        }

        if (collectors.Meters)
        {
            // The runtime's own meter reports what the runtime collector does, under clashing names: one of them is enough.
            Meters = new MeterBridge(collectors.MeterPrefixes, collectors.Runtime ? [RuntimeMeterName] : [], Catalog.Options.NameValidation);
            Meters.Register(Shared);
            System.RegisterOnTermination(Meters.Dispose);
        }
    }
}
