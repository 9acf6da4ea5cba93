using Aggregator.Metrics;

namespace Aggregator.Actors.Telemetry;

/// <summary>
/// The names and options of the actor telemetry families, declared alike by every worker and the node. They take no
/// <c>aggregator.namespace</c> prefix, like the built-in collectors' families, so that the dashboard's names hold.
/// </summary>
internal static class TelemetryFamilies
{
    public const string Messages = "akka_actor_messages_total";
    public const string Processing = "akka_actor_processing_seconds";
    public const string Unhandled = "akka_actor_unhandled_messages_total";
    public const string Restarts = "akka_actor_restarts_total";
    public const string Stashed = "akka_actor_stashed_messages";
    public const string Overflow = "aggregator_telemetry_overflow_messages_total";
    public const string Live = "akka_actor_live";
    public const string MailboxDepth = "akka_mailbox_depth";
    public const string MessageTypes = "aggregator_telemetry_message_types";
    public const string DeadLetters = "akka_dead_letters_total";
    public const string NodeUnhandled = "akka_unhandled_total";
    public const string RegionShards = "akka_sharding_region_shards";
    public const string RegionEntities = "akka_sharding_region_entities";

    /// <summary>The <c>message_type</c> of classes past the bound or off the allowlist.</summary>
    public const string Other = "other";

    public const string ActorType = "actor_type";
    public const string MessageType = "message_type";

    /// <summary>
    /// 1 µs to 5 s in 1-5 steps: a handler that only updates state takes microseconds, one that calls a database tens of
    /// milliseconds; 14 bounds keep an observation under 4 ns.
    /// </summary>
    public static readonly double[] ProcessingBuckets =
        [0.000_001, 0.000_005, 0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

    public static readonly MetricOptions MessagesOptions = new()
    {
        Help = "Messages a metered actor received, by actor type and message class (bounded: the rest are \"other\").",
        LabelNames = [ActorType, MessageType],
        Namespace = string.Empty,
    };

    public static readonly MetricOptions ProcessingOptions = new()
    {
        Help = "Time a metered actor's handler took per message, in seconds.",
        LabelNames = [ActorType, MessageType],
        Buckets = ProcessingBuckets,
        Namespace = string.Empty,
    };

    public static readonly MetricOptions UnhandledOptions = new()
    {
        Help = "Messages a metered actor did not handle.",
        LabelNames = [ActorType, MessageType],
        Namespace = string.Empty,
    };

    public static readonly MetricOptions RestartsOptions = new()
    {
        Help = "Restarts of metered actors.",
        LabelNames = [ActorType],
        Namespace = string.Empty,
    };

    public static readonly MetricOptions StashedOptions = new()
    {
        Help = "Messages in the stashes of metered actors, read when collected.",
        LabelNames = [ActorType],
        GaugePolicy = GaugeMergePolicy.Sum,
        Namespace = string.Empty,
    };

    public static readonly MetricOptions OverflowOptions = new()
    {
        Help = "Messages counted as message_type=\"other\" because their actor type reached max-message-types.",
        LabelNames = [ActorType],
        Namespace = string.Empty,
    };

    public static readonly MetricOptions DeadLettersOptions = new()
    {
        Help = "Messages delivered to dead letters on this node, by message class (bounded: the rest are \"other\").",
        LabelNames = [MessageType],
        Namespace = string.Empty,
    };

    public static readonly MetricOptions NodeUnhandledOptions = new()
    {
        Help = "Messages actors of this node did not handle (UnhandledMessage events), by message class.",
        LabelNames = [MessageType],
        Namespace = string.Empty,
    };

    public static readonly MetricDefinition LiveDefinition = new(
        MetricType.Gauge,
        Live,
        "Live actors of the node, by actor type (started minus stopped).",
        [ActorType],
        gaugePolicy: GaugeMergePolicy.Sum);

    public static readonly MetricDefinition MailboxDepthDefinition = new(
        MetricType.Gauge,
        MailboxDepth,
        "Messages waiting in the mailboxes of the node's live actors, by actor type, read when collected.",
        [ActorType],
        gaugePolicy: GaugeMergePolicy.Sum);

    public static readonly MetricDefinition MessageTypesDefinition = new(
        MetricType.Gauge,
        MessageTypes,
        "Distinct message_type values an actor type holds on this node (at most max-message-types).",
        [ActorType],
        gaugePolicy: GaugeMergePolicy.Max);

    public static readonly MetricDefinition RegionShardsDefinition = new(
        MetricType.Gauge,
        RegionShards,
        "Shards a sharding region of this node hosts, from its stats when collected.",
        ["region"],
        gaugePolicy: GaugeMergePolicy.Sum);

    public static readonly MetricDefinition RegionEntitiesDefinition = new(
        MetricType.Gauge,
        RegionEntities,
        "Entities a sharding region of this node hosts, from its stats when collected.",
        ["region"],
        gaugePolicy: GaugeMergePolicy.Sum);
}
