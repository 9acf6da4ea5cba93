namespace Aggregator.Metrics.Merging;

/// <summary>
/// One disagreement found by a merge: which family, why (a <see cref="MergeConflictReason"/>), which sources
/// disagreed with the kept definition (their series of that family were left out, except for <c>help</c>), and how.
/// </summary>
public sealed record MergeConflict(string Family, string Reason, IReadOnlyList<string> Sources, string Detail)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"merge conflict in family '{Family}' ({Reason}): {Detail}; left out from: {string.Join(", ", Sources)}";
}
