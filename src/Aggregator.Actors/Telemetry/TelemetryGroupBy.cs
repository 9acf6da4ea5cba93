namespace Aggregator.Actors.Telemetry;

/// <summary>What the <c>actor_type</c> label of actor telemetry holds (<c>aggregator.telemetry.group-by</c>).</summary>
public enum TelemetryGroupBy
{
    /// <summary>The actor's class name (<c>Type.Name</c>): every instance of a class is one group.</summary>
    Type,

    /// <summary>
    /// The first path pattern of <see cref="TelemetrySettings.Actors"/> the actor's path matches; an actor selected by
    /// class name, or by an empty list, is grouped by its parent path and <c>/*</c> (<c>/user/shop/*</c>).
    /// </summary>
    PathPattern,
}
