using Aggregator.Metrics.Merging;

namespace Aggregator.Metrics.Tests.Merging;

/// <summary>
/// The alignment memo lets a collector merge sources that hold the same series in the same order position by position;
/// every merge through it must equal the merge without it, bit for bit, whatever the sources did in between.
/// </summary>
public sealed class AlignmentMemoSpec
{
    private static readonly MetricDefinition Requests = new(MetricType.Counter, "requests_total", "Requests.", ["path", "method"], timestamped: true);
    private static readonly MetricDefinition Depth = new(MetricType.Gauge, "depth", "Depth.", ["path"], gaugePolicy: GaugeMergePolicy.Min);
    private static readonly MetricDefinition Latency = new(MetricType.Histogram, "latency_seconds", "Latency.", ["path"], buckets: [0.1, 1]);

    [Fact]
    public void Sources_holding_the_same_label_arrays_merge_in_place_with_exact_values()
    {
        var memo = new AlignmentMemo();
        var workers = Enumerable.Range(0, 3).Select(w => new Worker($"w{w}", 4)).ToArray();
        var first = Merge(workers, memo, round: 1);

        // The first merge compares label values and records what it found: nothing merged in place yet.
        Assert.Equal(0, memo.AlignedMerges);
        var second = Merge(workers, memo, round: 2);

        // Each of the three families now merges in place, with each worker's value of round 2 added up.
        Assert.Equal(3, memo.AlignedMerges);
        var requests = second.Find("requests")!.Series;
        Assert.Equal(["/p0", "/p1", "/p2", "/p3"], requests.Select(s => s.LabelValues[0]));
        Assert.Equal([6, 15, 24, 33], requests.Select(s => s.Value));
        Assert.Equal(first.Find("depth")!.Series.Select(s => s.Value), second.Find("depth")!.Series.Select(s => s.Value));
        Assert.Equal([0, 3, 3], second.Find("latency_seconds")!.Series[0].CumulativeBuckets);
    }

    [Fact]
    public void A_new_series_a_new_label_array_or_another_source_set_takes_the_full_merge_again()
    {
        var memo = new AlignmentMemo();
        var workers = Enumerable.Range(0, 3).Select(w => new Worker($"w{w}", 4)).ToArray();
        Merge(workers, memo, round: 1);
        Merge(workers, memo, round: 2);
        Assert.Equal(3, memo.AlignedMerges);

        // Same content under a new array: not known to be the same without comparing, so the two families that use it
        // merge in full; the histogram, whose one series is another, still merges in place.
        workers[1].RenewLabels(2);
        Merge(workers, memo, round: 3);
        Assert.Equal(4, memo.AlignedMerges);

        // The full merges found the arrays aligned again and recorded them: the next merge is in place throughout.
        Merge(workers, memo, round: 4);
        Assert.Equal(7, memo.AlignedMerges);

        // A series only one worker has: the families that carry it no longer align, and stay so.
        workers[2].Add("/p9");
        Merge(workers, memo, round: 5);
        Merge(workers, memo, round: 6);
        Assert.Equal(9, memo.AlignedMerges);

        // Two of the workers, still aligned with each other: another source set, recorded afresh, then in place.
        Merge(workers[..2], memo, round: 7);
        Assert.Equal(9, memo.AlignedMerges);
        Merge(workers[..2], memo, round: 8);
        Assert.Equal(12, memo.AlignedMerges);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Every_merge_through_the_memo_and_label_copies_equals_the_merge_without_them(int seed)
    {
        var random = new Random(seed);
        var memo = new AlignmentMemo();
        var copyingMemo = new AlignmentMemo();
        var copies = new LabelCopies();
        var workers = Enumerable.Range(0, 2 + random.Next(6)).Select(w => new Worker($"w{w}", 1 + random.Next(12))).ToList();
        var nextName = workers.Count;
        for (var round = 1; round <= 120; round++)
        {
            switch (random.Next(10))
            {
                case 0:
                    workers[random.Next(workers.Count)].Add($"/p{random.Next(20)}");
                    break;
                case 1:
                    workers[random.Next(workers.Count)].RenewLabels(random.Next(4));
                    break;
                case 2 when workers.Count > 2:
                    workers.RemoveAt(random.Next(workers.Count));
                    break;
                case 3:
                    workers.Add(new Worker($"w{nextName++}", 1 + random.Next(12)));
                    break;
            }

            var sources = Sources(workers, round, random);
            var withMemo = SnapshotMerger.Merge(sources, MetricsSnapshot.Empty, memo);
            var without = SnapshotMerger.Merge(sources);
            Assert.True(withMemo.Snapshot.SameContent(without.Snapshot), $"seed {seed}, round {round}: the merges differ");
            Assert.Equal(without.Conflicts.Count, withMemo.Conflicts.Count);
            var withCopies = SnapshotMerger.Merge(sources, MetricsSnapshot.Empty, copyingMemo, copies);
            Assert.True(withCopies.Snapshot.SameContent(without.Snapshot), $"seed {seed}, round {round}: the merge with label copies differs");
        }

        Assert.True(memo.AlignedMerges > 0, $"seed {seed}: no merge took the in-place path");
    }

    private static MetricsSnapshot Merge(IEnumerable<Worker> workers, AlignmentMemo memo, int round) =>
        SnapshotMerger.Merge(Sources(workers, round, null), MetricsSnapshot.Empty, memo).Snapshot;

    private static MergeSource[] Sources(IEnumerable<Worker> workers, int round, Random? random) =>
        [.. workers.Select(w => new MergeSource(w.Name, w.Snapshot(round, random)))];

    /// <summary>A worker's series: label arrays of its own (strings too), kept across snapshots as a registry keeps them.</summary>
    private sealed class Worker(string name, int series)
    {
        private readonly SortedDictionary<string, (string[] Requests, string[] Path)> _labels = new(
            Enumerable.Range(0, series).ToDictionary(i => $"/p{i}", i => Labels($"/p{i}")),
            StringComparer.Ordinal);

        public string Name { get; } = name;

        public void Add(string path) => _labels.TryAdd(path, Labels(path));

        public void RenewLabels(int index)
        {
            var path = _labels.Keys.ElementAtOrDefault(index % _labels.Count);
            if (path is not null)
            {
                _labels[path] = Labels(path);
            }
        }

        // Whole quarters, so that any order of addition gives the same bits (see SnapshotGen).
        public MetricsSnapshot Snapshot(int round, Random? random)
        {
            var number = int.Parse(Name[1..], System.Globalization.CultureInfo.InvariantCulture);
            var entries = _labels.Values.Select((labels, i) => (labels, i)).ToArray();
            double Value(int i) => random is null ? (round * number) + (3 * i) : random.Next(-400, 400) / 4.0;
            return new MetricsSnapshot(
            [
                new MetricFamilySnapshot(Requests, [.. entries.Select(e => SeriesSnapshot.ForValue(e.labels.Requests, Value(e.i), 1_700_000_000_000 + (random?.Next(3) ?? round), 1_600_000_000 + number))]),
                new MetricFamilySnapshot(Depth, [.. entries.Select(e => SeriesSnapshot.ForValue(e.labels.Path, random is null ? number + e.i : Value(e.i)))]),
                new MetricFamilySnapshot(Latency, [.. entries.Take(1).Select(e => SeriesSnapshot.ForHistogram(e.labels.Path, [0, 1, 1], random is null ? 0.5 : Value(e.i) * 4))]),
            ]);
        }

        // New strings each time, as each worker makes its own.
        private static (string[] Requests, string[] Path) Labels(string path) => ([new string(path.AsSpan()), new string("GET".AsSpan())], [new string(path.AsSpan())]);
    }
}
