namespace Aggregator.Metrics.Merging;

/// <summary>
/// A part of a collector's sources that one request asks for (some workers of a node, some nodes of a cluster), as the
/// <see cref="MergeEngine"/> needs to know it: which sources' series belong to it, and which retired groups belong to
/// it whole. Implementations must define value equality: equal selections share one cached state.
/// </summary>
public interface IMergeSelection
{
    /// <summary>
    /// True when the sources answer this selection with the same snapshot they give an unfiltered request (a node's
    /// workers always do; a cluster's nodes do when every worker is selected), so the engine's common record of their
    /// last answers serves it.
    /// </summary>
    bool AnswersAsUnfiltered { get; }

    /// <summary>Whether the series of the source named <paramref name="source"/> belong to this selection.</summary>
    bool Matches(string source);

    /// <summary>
    /// Whether every source that can ever retire into <paramref name="group"/> is matched, so that the group's folded
    /// totals belong to this selection whole. False when in doubt: a selection must never see data from outside it.
    /// </summary>
    bool Covers(string group);
}
