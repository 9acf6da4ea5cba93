namespace Aggregator.Metrics;

/// <summary>
/// One series of a family, as handed out by <c>WithLabels</c>. Cache it: updating a cached child is the fastest path.
/// In a worker registry a child must only be touched by its owner; in a shared registry by anyone.
/// </summary>
public abstract class MetricChild
{
    private long _timestampMs = SeriesSnapshot.NoTimestamp;

    private protected MetricChild(string[] labelValues, MetricFamily family)
    {
        LabelValuesArray = labelValues;
        Family = family;
    }

    /// <summary>The label values of this series, in the family's label-name order.</summary>
    public IReadOnlyList<string> LabelValues => LabelValuesArray;

    internal string[] LabelValuesArray { get; }

    internal MetricFamily Family { get; }

    /// <summary>The epoch-millisecond time of the last update; <see cref="SeriesSnapshot.NoTimestamp"/> when not recorded.</summary>
    private protected long TimestampMs => Volatile.Read(ref _timestampMs);

    /// <summary>
    /// True in a shared registry: updates then use per-thread cells or interlocked operations, never a lock; reads are
    /// exact once writers stop.
    /// </summary>
    private protected bool Shared => Family.SharedChildren;

    /// <summary>
    /// Whether updates record their time: the family is timestamped, or it is a gauge whose merge policy picks the
    /// most recent value and so needs the update time even when it is not exposed.
    /// </summary>
    private protected bool Stamped => Family.StampedChildren;

    /// <summary>True when an update must be thread-safe or stamp, so the common case costs one test.</summary>
    private protected bool NeedsSlowPath => Family.ChildrenNeedSlowPath;

    /// <summary>
    /// True when exemplars must be recorded by <see cref="ExemplarStore.RecordSlow"/>: the registry is shared (a lock), or
    /// its clock is not the system's (read at each record, where the system clock is <see cref="ExemplarClock"/>).
    /// </summary>
    private protected bool ExemplarsNeedSlowPath => Family.ChildExemplarsNeedSlowPath;

    private protected void Stamp() => _timestampMs = Family.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Stamps from any thread: the time only moves forward, so that two updates reading the clock in one order and
    /// stamping in the other leave the later time. Called before the update it stamps, so that a reader who reads the
    /// value first and then <see cref="TimestampMs"/> sees a time no older than any update that value contains.
    /// </summary>
    private protected void StampShared()
    {
        var now = Family.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var seen = Volatile.Read(ref _timestampMs);
        while (now > seen)
        {
            var prior = Interlocked.CompareExchange(ref _timestampMs, now, seen);
            if (prior == seen)
            {
                return;
            }

            seen = prior;
        }
    }

    private protected double NowSeconds() => Family.Clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    internal abstract SeriesSnapshot Snapshot();

    /// <summary>
    /// True when this series still holds exactly what <paramref name="previous"/> (an earlier snapshot of its family, at
    /// its position) holds, bit for bit: for a collection that copies only what changed. By default a new snapshot is
    /// compared; a kind whose snapshot allocates compares its fields in place where it can.
    /// </summary>
    internal virtual bool Unchanged(in SeriesSnapshot previous) => Snapshot().SameAs(previous);
}
