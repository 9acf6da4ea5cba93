using Aggregator.Metrics.Merging;
using static Aggregator.Metrics.Tests.Merging.Snap;

namespace Aggregator.Metrics.Tests.Merging;

public sealed class Utf8NamesMergeSpec
{
    private static MetricFamilySnapshot Family(MetricDefinition definition, params SeriesSnapshot[] series) => new(definition, series);

    [Fact]
    public void Families_with_utf8_names_merge_and_gain_source_labels_and_flags()
    {
        var counter = new MetricDefinition(MetricType.Counter, "http.requests", "Requests", ["http.method"], nameValidation: NameValidation.Utf8);
        var all = new MetricDefinition(MetricType.Gauge, "queue.depth", "Depth", ["queue.name"], gaugePolicy: GaugeMergePolicy.All, nameValidation: NameValidation.Utf8);
        var timestamped = new MetricDefinition(MetricType.Gauge, "last.seen", "Seen", timestamped: true, nameValidation: NameValidation.Utf8);
        var plain = new MetricDefinition(MetricType.Gauge, "last.seen", "Seen", nameValidation: NameValidation.Utf8);

        var result = SnapshotMerger.Merge(
        [
            Source("w1", Family(counter, SeriesSnapshot.ForValue(["GET"], 2)), Family(all, SeriesSnapshot.ForValue(["a"], 1)), Family(timestamped, SeriesSnapshot.ForValue([], 5, 1_000))),
            Source("w2", Family(counter, SeriesSnapshot.ForValue(["GET"], 3)), Family(all, SeriesSnapshot.ForValue(["a"], 4)), Family(plain, SeriesSnapshot.ForValue([], 6))),
        ]);

        Assert.Empty(result.Conflicts);
        Assert.Equal(["GET=5"], Values(result, "http.requests"));
        Assert.Equal(["queue.name", "worker"], result.Snapshot.Find("queue.depth")!.Definition.LabelNames);
        Assert.Equal(["a,w1=1", "a,w2=4"], Values(result, "queue.depth"));
        Assert.True(result.Snapshot.Find("last.seen")!.Definition.Timestamped);
    }
}
