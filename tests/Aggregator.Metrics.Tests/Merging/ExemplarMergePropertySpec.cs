using Aggregator.Metrics.Exposition;
using Aggregator.Metrics.Merging;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Aggregator.Metrics.Tests.Merging;

/// <summary>
/// The merge property of <see cref="MergePropertySpec"/> with exemplars: <see cref="SnapshotGen"/>'s clusters, each
/// counter and histogram series of each worker given random exemplars (or none) from a small set of times, values and
/// labels, so that ties are common. Worker → node → cluster gives the same exemplars, sources included, as one flat
/// merge, and each is the newest of the workers' by <see cref="ExemplarSnapshot.Compare"/>.
/// </summary>
public sealed class ExemplarMergePropertySpec
{
    [Property(MaxTest = 150)]
    public Property Exemplars_merge_the_same_in_any_grouping_and_the_newest_wins() =>
        Prop.ForAll(
            (from cluster in SnapshotGen.Cluster(conflicts: false) from seed in Gen.Choose(0, int.MaxValue) select WithExemplars(cluster, seed)).ToArbitrary(),
            cluster =>
            {
                var flat = cluster.MergeFlat().Snapshot;
                var byNode = cluster.MergeByNode().Snapshot;

                Assert.Equal(Expose.Render(flat, ExpositionFormat.OpenMetrics), Expose.Render(byNode, ExpositionFormat.OpenMetrics));
                Assert.Equal(Exemplars(flat), Exemplars(byNode));
                Assert.Equal(Model(cluster), Exemplars(flat).Where(e => !IsPerNode(e)));
            });

    // SnapshotGen's per-node counter and histogram (some workers declare them without the flag, which still holds).
    private static bool IsPerNode(string name) => name.StartsWith("cpu_seconds", StringComparison.Ordinal) || name.StartsWith("gc_pause", StringComparison.Ordinal);

    // Every exemplar as "family{labels}[cell] exemplar", in family and series order.
    private static IEnumerable<string> Exemplars(MetricsSnapshot snapshot) =>
        snapshot.Families.SelectMany(f => f.Series.SelectMany(s => s.Exemplars.Select((e, i) => (e, i))
            .Where(p => p.e is not null)
            .Select(p => $"{f.Name}{{{string.Join(",", s.LabelValues)}}}[{p.i}] {p.e}")));

    // The newest exemplar of every worker's series with those labels, attributed [worker, node]; per-node families
    // (whose series a cluster keeps apart) are left out.
    private static IEnumerable<string> Model(ClusterCase cluster)
    {
        var candidates = new SortedDictionary<(string Family, string Labels, int Cell), ExemplarSnapshot>();
        foreach (var (node, worker) in cluster.Workers)
        {
            foreach (var family in worker.Snapshot.Families.Where(f => !IsPerNode(f.Name)))
            {
                foreach (var series in family.Series)
                {
                    for (var i = 0; i < series.Exemplars.Count; i++)
                    {
                        if (series.Exemplars[i] is not { } e)
                        {
                            continue;
                        }

                        var attributed = new ExemplarSnapshot([.. e.Labels], e.Value, e.TimestampMs, [new("worker", worker.Name), new("node", node)]);
                        var key = (family.Name, string.Join(",", series.LabelValues), i);
                        if (!candidates.TryGetValue(key, out var kept) || ExemplarSnapshot.Compare(attributed, kept) > 0)
                        {
                            candidates[key] = attributed;
                        }
                    }
                }
            }
        }

        // In the merged snapshot's order: families by name, series by labels, cells by index.
        return candidates
            .OrderBy(c => c.Key.Family, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Labels.Split(','), Comparer<string[]>.Create(LabelValuesComparer.Instance.Compare))
            .ThenBy(c => c.Key.Cell)
            .Select(c => $"{c.Key.Family}{{{c.Key.Labels}}}[{c.Key.Cell}] {c.Value}");
    }

    private static ClusterCase WithExemplars(ClusterCase cluster, int seed)
    {
        var random = new Random(seed);
        return cluster with
        {
            Nodes = [.. cluster.Nodes.Select(n => n with
            {
                Workers = [.. n.Workers.Select(w => w with { Snapshot = Decorate(w.Snapshot, random) })],
            })],
        };
    }

    private static MetricsSnapshot Decorate(MetricsSnapshot snapshot, Random random) =>
        new([.. snapshot.Families.Select(f => f.Definition.Type is MetricType.Counter or MetricType.Histogram
            ? new MetricFamilySnapshot(f.Definition, [.. f.Series.Select(s => random.Next(3) == 0 ? s : s.WithExemplars(Cells(s.CumulativeBuckets.Count > 0 ? s.CumulativeBuckets.Count : 1, random)))])
            : f)]);

    private static ExemplarSnapshot?[] Cells(int count, Random random) =>
        [.. Enumerable.Range(0, count).Select(_ => random.Next(3) == 0
            ? null
            : new ExemplarSnapshot(
                [new("trace_id", "t" + random.Next(3)), .. random.Next(2) == 0 ? [] : new KeyValuePair<string, string>[] { new("span_id", "s" + random.Next(2)) }],
                random.Next(3) * 0.5,
                SnapshotGen.BaseMs + random.Next(3)))];
}
