namespace Aggregator.Metrics.Merging;

/// <summary>The values of the <c>reason</c> label of <c>aggregator_merge_conflicts_total</c>.</summary>
public static class MergeConflictReason
{
    /// <summary>Sources disagree on the family's type.</summary>
    public const string Type = "type";

    /// <summary>Sources disagree on the family's label names.</summary>
    public const string LabelNames = "label_names";

    /// <summary>Sources disagree on a histogram's bucket bounds.</summary>
    public const string Buckets = "buckets";

    /// <summary>
    /// Some sources have native buckets for a histogram and others have classic buckets only (their schemas and zero
    /// thresholds may differ: those merge); the shape most sources have is kept.
    /// </summary>
    public const string Native = "native";

    /// <summary>Sources disagree on a gauge's merge policy.</summary>
    public const string GaugePolicy = "gauge_policy";

    /// <summary>Sources disagree on HELP; the first source's text is kept and nothing is left out.</summary>
    public const string Help = "help";

    /// <summary>
    /// An <c>all</c> gauge already has a label named like the source label it would get; the family is left out.
    /// </summary>
    public const string SourceLabel = "source_label";

    /// <summary>
    /// The family's samples would carry the same name as another family's (a counter <c>x</c> and a gauge
    /// <c>x_total</c>); the family that sorts later is left out.
    /// </summary>
    public const string NameClash = "name_clash";
}
