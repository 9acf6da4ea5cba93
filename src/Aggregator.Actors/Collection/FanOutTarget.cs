using Aggregator.Metrics;

namespace Aggregator.Actors.Collection;

/// <summary>
/// One source a fan-out collection asks: a worker of a node, or a node of a cluster.
/// </summary>
/// <param name="MergeName">Its name in the merge (and in an <c>all</c> gauge's source label).</param>
/// <param name="ReportName">Its name in <c>aggregator_source_up{source}</c>, unique across a cluster.</param>
/// <param name="Ask">Asks it for a snapshot under a request id and a timeout; null when it cannot be asked now (an
/// unreachable or leaving node), which makes it missing from the start.</param>
internal sealed record FanOutTarget(string MergeName, string ReportName, Func<long, TimeSpan, Task<MetricsSnapshot>>? Ask);
