using Aggregator.Metrics.Exposition;
using Aggregator.Metrics.Merging;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Aggregator.Metrics.Tests.Merging.Snap;

namespace Aggregator.Metrics.Tests.Merging;

/// <summary>
/// <see cref="SnapshotMerger.Merge(IEnumerable{MergeSource}, MetricsSnapshot)"/> adds a collector's own families in the
/// merge's one walk over the families (issue 15): it must give exactly what a merge followed by
/// <see cref="SnapshotMerger.Combine"/> gives, conflicts included.
/// </summary>
public sealed class MergeWithExtraSpec
{
    [Fact]
    public void Extra_families_join_before_between_and_after_the_merged_ones_and_combine_with_a_family_of_their_name()
    {
        var sources = new[]
        {
            Source("w1", Counter("b", L("x", 1)), Counter("d", L("x", 10))),
            Source("w2", Counter("b", L("x", 2), L("y", 3)), Counter("f", L("z", 5))),
        };
        var extra = Of(Counter("a", L("s", 7)), Counter("d", L("x", 100), L("y", 1)), Counter("e", L("q", 4)), Counter("g", L("r", 2)));

        var result = SnapshotMerger.Merge(sources, extra);

        Assert.Equal(["a", "b", "d", "e", "f", "g"], result.Snapshot.Families.Select(f => f.Name));
        Assert.Equal(["s=7"], Values(result, "a"));
        Assert.Equal(["x=3", "y=3"], Values(result, "b"));
        Assert.Equal(["x=110", "y=1"], Values(result, "d"));
        Assert.Equal(["q=4"], Values(result, "e"));
        Assert.Equal(["z=5"], Values(result, "f"));
        Assert.Equal(["r=2"], Values(result, "g"));
        Assert.Empty(result.Conflicts);
    }

    [Fact]
    public void An_extra_family_of_another_shape_leaves_the_merged_family_as_it_is_and_one_left_out_by_a_name_clash_is_replaced()
    {
        var sources = new[]
        {
            Source("w1", Counter("c", L("x", 1)), Gauge("c_total", GaugeMergePolicy.Max, L("x", 9))),
            Source("w2", Counter("c", L("x", 2))),
        };
        var extra = Of(Gauge("c", GaugeMergePolicy.Max, L("x", 50)), Gauge("c_total", GaugeMergePolicy.Max, L("y", 8)));

        var result = SnapshotMerger.Merge(sources, extra);

        // c's counter keeps its series (the extra gauge has another shape); c_total's gauge clashes with the counter's
        // sample name, is left out of the merge and reported, and the extra family of its name stands alone.
        Assert.Equal(["x=3"], Values(result, "c"));
        Assert.Equal(MetricType.Counter, result.Snapshot.Find("c")!.Definition.Type);
        Assert.Equal(["y=8"], Values(result, "c_total"));
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal(("c_total", MergeConflictReason.NameClash), (conflict.Family, conflict.Reason));
        Assert.Equal(["w1"], conflict.Sources);
    }

    [Property(MaxTest = 150)]
    public Property Merging_with_extra_families_equals_merging_then_combining() =>
        Prop.ForAll(SnapshotGen.Cluster(conflicts: true).ToArbitrary(), SnapshotGen.Snapshot(conflicts: true).ToArbitrary(), (cluster, extra) =>
        {
            var sources = cluster.FlatSources.ToArray();
            var expected = SnapshotMerger.Merge(sources);
            var combined = SnapshotMerger.Combine(expected.Snapshot, extra);

            var actual = SnapshotMerger.Merge(sources, extra);

            Assert.Equal(Expose.Render(combined, ExpositionFormat.OpenMetrics), Expose.Render(actual.Snapshot, ExpositionFormat.OpenMetrics));
            Assert.Equal(Expose.Render(combined, ExpositionFormat.Text), Expose.Render(actual.Snapshot, ExpositionFormat.Text));
            Assert.Equal(
                expected.Conflicts.Select(c => (c.Family, c.Reason, string.Join(",", c.Sources), c.Detail)),
                actual.Conflicts.Select(c => (c.Family, c.Reason, string.Join(",", c.Sources), c.Detail)));
        });
}
