using Aggregator.Metrics;

namespace Aggregator.Actors.Reports;

/// <summary>One source of a collection as the collector saw it: a worker of a node, or a node of a cluster.</summary>
/// <param name="Name">Its name in <c>aggregator_source_up{source}</c>.</param>
/// <param name="Up">Whether it answered the collection in time.</param>
/// <param name="AnsweredAfter">How long after the collection started its answer arrived; null when it did not answer.</param>
/// <param name="Retained">
/// True when it did not answer and the merge used the counters, histograms and summaries it last answered with.
/// </param>
/// <param name="Snapshot">What it answered with (for its series counts); null when it did not answer.</param>
public sealed record SourceReport(string Name, bool Up, TimeSpan? AnsweredAfter, bool Retained, MetricsSnapshot? Snapshot);
