using Aggregator.Actors.Collection;
using Aggregator.Metrics.Merging;

namespace Aggregator.Actors.Reports;

/// <summary>
/// The last collection report of one collector and the durations of its last <see cref="HistoryLength"/> collections,
/// published for a status page. Recording is off until <see cref="Enabled"/> is set (by <c>aggregator.status-page</c> or
/// by mapping the status page), so that a collector that nobody reads keeps no reference to its sources' snapshots.
/// Written by the collector actor only; read from any thread without locks (one volatile reference to an immutable state).
/// </summary>
public sealed class CollectionReports
{
    /// <summary>How many collection durations the history keeps.</summary>
    public const int HistoryLength = 60;

    private volatile State? _state;
    private volatile bool _enabled;

    /// <summary>Whether collections are recorded.</summary>
    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    /// <summary>The last recorded collection, or null before the first.</summary>
    public CollectionReport? Last => _state?.Last;

    /// <summary>The durations of the last collections, oldest first (at most <see cref="HistoryLength"/>).</summary>
    public IReadOnlyList<TimeSpan> Durations => _state?.Durations ?? [];

    /// <summary>
    /// The last collection and the durations up to it, read together: reading <see cref="Last"/> and
    /// <see cref="Durations"/> one after the other could mix two collections when one finishes in between.
    /// </summary>
    public (CollectionReport? Last, IReadOnlyList<TimeSpan> Durations) Current => _state is { } state ? (state.Last, state.Durations) : (null, []);

    /// <summary>Publishes <paramref name="report"/> as the last collection and adds its duration to the history.</summary>
    internal void Record(CollectionReport report)
    {
        var previous = _state?.Durations ?? [];
        var keep = Math.Min(previous.Length, HistoryLength - 1);
        var durations = new TimeSpan[keep + 1];
        Array.Copy(previous, previous.Length - keep, durations, 0, keep);
        durations[keep] = report.Duration;
        _state = new State(report, durations);
    }

    /// <summary>
    /// Records a completed (or timed-out) fan-out collection when recording is on: answered targets are up with their
    /// answer times, missing ones down, retained when <paramref name="retained"/> says the merge used their last counters.
    /// </summary>
    internal void Record(string level, CompletedCollection completed, MergeResult merged, Func<string, bool> retained)
    {
        if (!_enabled)
        {
            return;
        }

        var sources = completed.Answered
            .Select(a => new SourceReport(a.Target.ReportName, true, a.AnsweredAfter, false, a.Snapshot))
            .Concat(completed.Missing.Select(m => new SourceReport(m.ReportName, false, null, retained(m.MergeName), null)))
            .ToArray();
        Record(new CollectionReport(level, DateTimeOffset.UtcNow, completed.Elapsed, sources, merged.Merged, merged.Conflicts));
    }

    private sealed record State(CollectionReport Last, TimeSpan[] Durations);
}
