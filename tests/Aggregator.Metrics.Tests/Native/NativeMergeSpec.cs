using Aggregator.Metrics.Merging;

namespace Aggregator.Metrics.Tests.Native;

public sealed class NativeMergeSpec
{
    private static readonly double[] Thresholds = [NativeHistogramOptions.DefaultZeroThreshold, Math.ScaleB(1, -16), 1];

    [Fact]
    public void Sources_are_reduced_to_the_lowest_schema_and_summed_bucket_for_bucket()
    {
        var a = NativeHistogramSnapshot.Create(1, 0, 1, [new(1, 1), new(2, 1), new(-1, 2), new(0, 1)], [new(3, 1)]);
        var b = NativeHistogramSnapshot.Create(0, 0, 2, [new(1, 4)], [new(2, 5)]);

        var merged = NativeHistogramMerger.Merge([a, b]);

        Assert.Equal("schema=0 zero=0:3 +[0:3,1:6] -[2:6]", merged.ToString());
        Assert.Equal("schema=0 zero=0:3 +[0:3,1:6] -[2:6]", NativeHistogramMerger.Merge([b, a]).ToString());
    }

    [Fact]
    public void Different_thresholds_widen_the_zero_bucket_to_the_widest_rounded_up_to_a_bucket_bound()
    {
        var narrow = NativeHistogramSnapshot.Create(0, 0.001, 1, [new(-3, 1), new(-1, 2), new(0, 4)], [new(-2, 8)]);
        var wide = NativeHistogramSnapshot.Create(0, 0.3, 16, [new(0, 32)]);

        // 0.3 lies in bucket -1 (0.25, 0.5]: the zero bucket becomes [-0.5, 0.5] and takes buckets -3, -1 and negative -2.
        var merged = NativeHistogramMerger.Merge([narrow, wide]);

        Assert.Equal("schema=0 zero=0.5:28 +[0:36] -[]", merged.ToString());
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
    public void Merging_per_source_histograms_equals_one_histogram_of_every_observation_at_the_lowest_schema(int seed)
    {
        var random = new Random(seed);
        for (var iteration = 0; iteration < 60; iteration++)
        {
            var sourceCount = random.Next(1, 7);
            var options = new NativeHistogramOptions[sourceCount];
            var observations = new List<(string Label, double Value)>[sourceCount];
            var sources = new MergeSource[sourceCount];
            for (var s = 0; s < sourceCount; s++)
            {
                options[s] = new NativeHistogramOptions
                {
                    Schema = random.Next(-4, 9),
                    ZeroThreshold = Thresholds[random.Next(4) == 0 ? random.Next(Thresholds.Length) : 0],
                    MaxBucketCount = new[] { 136, 160, 8192 }[random.Next(3)],
                };
                observations[s] = [.. Enumerable.Range(0, random.Next(0, 200)).Select(_ => (random.Next(3) == 0 ? "b" : "a", Value(random)))];
                var histogram = Registries.Worker().Histogram("h", new MetricOptions { LabelNames = ["k"], NativeHistogram = options[s] });
                foreach (var (label, value) in observations[s])
                {
                    histogram.WithLabels(label).Observe(value);
                }

                sources[s] = new MergeSource($"s{s}", histogram.Registry.Collect());
            }

            var merged = SnapshotMerger.Merge(sources);
            Assert.Empty(merged.Conflicts);
            var family = merged.Snapshot.Find("h");
            var labels = observations.SelectMany(o => o).Select(o => o.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(labels, family?.Series.Select(s => s.LabelValues[0]) ?? []);
            foreach (var series in family?.Series ?? [])
            {
                var label = series.LabelValues[0];
                var having = Enumerable.Range(0, sourceCount).Where(s => observations[s].Any(o => o.Label == label)).ToArray();
                var lowest = having.Min(s => sources[s].Snapshot.Find("h")!.Series.Single(x => x.LabelValues[0] == label).Native!.Schema);
                var reference = Registries.Worker().Histogram("h", new MetricOptions
                {
                    NativeHistogram = new NativeHistogramOptions { Schema = lowest, ZeroThreshold = having.Max(s => options[s].ZeroThreshold), MaxBucketCount = 8192 },
                });
                foreach (var s in having)
                {
                    foreach (var (_, value) in observations[s].Where(o => o.Label == label))
                    {
                        reference.Observe(value);
                    }
                }

                var expected = reference.Unlabelled.Snapshot();
                Assert.Equal(lowest, expected.Native!.Schema);
                Assert.Equal(expected.Count, series.Count);
                Assert.Equal(expected.Sum, series.Sum);
                Assert.Equal(expected.CumulativeBuckets, series.CumulativeBuckets);
                Assert.True(expected.Native.SameAs(series.Native), $"seed {seed} iteration {iteration} '{label}': expected {expected.Native}, merged {series.Native}");
            }

            // Merging merges (worker → node → cluster) gives the flat merge.
            var cut = random.Next(0, sourceCount + 1);
            var halves = new[] { sources[..cut], sources[cut..] }
                .Select((half, i) => new MergeSource($"half{i}", SnapshotMerger.Merge(half).Snapshot));
            Assert.True(SnapshotMerger.Merge(halves).Snapshot.SameContent(merged.Snapshot), $"seed {seed} iteration {iteration}: two-level merge differs");
        }
    }

    [Fact]
    public void A_retired_source_keeps_its_native_buckets_in_the_merge_and_a_restart_continues_on_top()
    {
        var engine = new MergeEngine();
        var a = Source(3, [0.5, 1, 3, -2, 0]);
        var b = Source(0, [5, 6]);
        engine.Merge([Named("a", a), Named("b", b)]);
        engine.Retire("a", "/workers");
        var afterRetire = engine.Merge([Named("b", Source(0, [5, 6, 7]))]);
        Assert.True(Reference(0, [0.5, 1, 3, -2, 0, 5, 6, 7]).SameAs(Only(afterRetire)), Only(afterRetire).ToString());

        engine.Restarted("b");
        var afterRestart = engine.Merge([Named("b", Source(-1, [100]))]);
        Assert.True(Reference(-1, [0.5, 1, 3, -2, 0, 5, 6, 7, 100]).SameAs(Only(afterRestart)), Only(afterRestart).ToString());
        Assert.Equal(["/workers"], engine.RetiredGroups);
        Assert.Equal(9, afterRestart.Snapshot.Find("h")!.Series[0].Count);
    }

    [Fact]
    public void Native_and_classic_only_sources_of_one_family_conflict_and_the_most_common_shape_is_kept()
    {
        static MetricsSnapshot Collect(NativeHistogramOptions? native)
        {
            var histogram = Registries.Worker().Histogram("h", new MetricOptions { Buckets = [1, 2], NativeHistogram = native });
            histogram.Observe(1.5);
            return histogram.Registry.Collect();
        }

        var merged = SnapshotMerger.Merge([new("x", Collect(null)), new("y", Collect(new() { Schema = 2 })), new("z", Collect(new() { Schema = 5 }))]);

        var conflict = Assert.Single(merged.Conflicts);
        Assert.Equal(MergeConflictReason.Native, conflict.Reason);
        Assert.Equal(["x"], conflict.Sources);
        var series = merged.Snapshot.Find("h")!.Series.Single();
        Assert.Equal([0L, 2, 2], series.CumulativeBuckets);
        Assert.Equal("schema=2 zero=2.938735877055719E-39:0 +[3:2] -[]", series.Native!.ToString());
    }

    private static double Value(Random random)
    {
        var roll = random.Next(20);
        if (roll == 0)
        {
            return 0;
        }

        // Multiples of 1/1024 below 2^10: every sum of a few thousand is exact, in any order.
        var magnitude = (1 + random.Next(1 << random.Next(0, 20))) / 1024.0;
        return roll < 5 ? -magnitude : magnitude;
    }

    private static MetricsSnapshot Source(int schema, double[] values)
    {
        var histogram = Registries.Worker().Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = schema } });
        foreach (var v in values)
        {
            histogram.Observe(v);
        }

        return histogram.Registry.Collect();
    }

    private static NativeHistogramSnapshot Reference(int schema, double[] values) =>
        Source(schema, values).Find("h")!.Series[0].Native!;

    private static MergeSource Named(string name, MetricsSnapshot snapshot) => new(name, snapshot);

    private static NativeHistogramSnapshot Only(MergeResult result) => result.Snapshot.Find("h")!.Series.Single().Native!;
}
