using Aggregator.Metrics;

namespace Aggregator.Actors.Collection;

/// <summary>
/// One source a fan-out collection asks: a worker of a node, or a node of a cluster.
/// </summary>
/// <param name="MergeName">Its name in the merge (and in an <c>all</c> gauge's source label).</param>
/// <param name="ReportName">Its name in <c>aggregator_source_up{source}</c>, unique across a cluster.</param>
/// <param name="Ask">Asks it for a snapshot under a request id and a timeout (unless <see cref="Send"/> is set); null
/// when it cannot be asked now (an unreachable or leaving node), which makes it missing from the start.</param>
internal sealed record FanOutTarget(string MergeName, string ReportName, Func<long, TimeSpan, Task<MetricsSnapshot>>? Ask)
{
    /// <summary>
    /// Sends the request under a request id straight to the target, which answers the collector itself (the collector
    /// hands the answer to <c>Answered</c>); used instead of <see cref="Ask"/> when set. For targets in the same actor
    /// system, whose answers need no future, no timer and no hop through the thread pool.
    /// </summary>
    public Action<long, Akka.Actor.IActorRef>? Send { get; init; }
}
