using Aggregator.Metrics.Merging;
using static Aggregator.Metrics.Tests.Merging.Snap;

namespace Aggregator.Metrics.Tests.Merging;

public sealed class MergeEngineSpec
{
    private static MergeSource Process(string name, double requests, double memory, GaugeMergePolicy policy, long ts) =>
        Source(name, Counter("requests", V(requests)), TimestampedGauge("memory", policy, V(memory, ts)));

    [Theory]
    [InlineData(GaugeMergePolicy.Max, "=300@20", "=100@10")]
    [InlineData(GaugeMergePolicy.Min, "=100@10", "=100@10")]
    [InlineData(GaugeMergePolicy.Sum, "=400@20", "=100@10")]
    [InlineData(GaugeMergePolicy.MostRecent, "=300@20", "=100@10")]
    public void Retired_gauges_vanish_and_counters_stay(GaugeMergePolicy policy, string before, string after)
    {
        var engine = new MergeEngine();

        var first = engine.Merge([Process("p1", 5, 100, policy, 10), Process("p2", 7, 300, policy, 20)]);
        engine.Retire("p2");
        var second = engine.Merge([Process("p1", 6, 100, policy, 10)]);

        Assert.Equal(["=12"], Values(first, "requests"));
        Assert.Equal([before], Values(first, "memory"));
        Assert.Equal(["=13"], Values(second, "requests"));
        Assert.Equal([after], Values(second, "memory"));
    }

    [Fact]
    public void Retired_all_gauge_series_vanish()
    {
        var engine = new MergeEngine();

        var first = engine.Merge([Process("p1", 1, 100, GaugeMergePolicy.All, 10), Process("p2", 1, 300, GaugeMergePolicy.All, 20)]);
        engine.Retire("p2");
        var second = engine.Merge([Process("p1", 1, 150, GaugeMergePolicy.All, 30)]);

        Assert.Equal(["p1=100@10", "p2=300@20"], Values(first, "memory"));
        Assert.Equal(["p1=150@30"], Values(second, "memory"));
    }

    [Fact]
    public void A_restarted_source_continues_from_zero_on_top_of_its_retained_past()
    {
        var engine = new MergeEngine();

        engine.Merge([Source("w", Counter("c", V(10)))]);
        engine.Retire("w");
        var afterRestart = engine.Merge([Source("w", Counter("c", V(0)))]);
        var later = engine.Merge([Source("w", Counter("c", V(3)))]);
        engine.Retire("w");
        var secondRestart = engine.Merge([Source("w", Counter("c", V(1)))]);

        Assert.Equal(["=10"], Values(afterRestart, "c"));
        Assert.Equal(["=13"], Values(later, "c"));
        Assert.Equal(["=14"], Values(secondRestart, "c"));
    }

    [Fact]
    public void A_silent_source_contributes_its_last_counters_but_not_its_gauges()
    {
        var engine = new MergeEngine();

        engine.Merge([Process("p1", 5, 100, GaugeMergePolicy.Max, 10), Process("p2", 7, 300, GaugeMergePolicy.Max, 20)]);
        var partial = engine.Merge([Process("p1", 6, 100, GaugeMergePolicy.Max, 10)], missing: ["p2"]);

        Assert.Equal(["=13"], Values(partial, "requests"));
        Assert.Equal(["=100@10"], Values(partial, "memory"));
    }

    [Fact]
    public void Retired_sources_can_be_left_out_of_a_selection()
    {
        var engine = new MergeEngine();
        engine.Merge([Source("a", Counter("c", V(1))), Source("b", Counter("c", V(2)))]);
        engine.Retire("a");
        engine.Retire("b");

        var onlyA = engine.Merge([], includeRetired: name => name == "a");

        Assert.Equal(["=1"], Values(onlyA, "c"));
        Assert.Equal(["a", "b"], engine.RetiredSources.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Conflicts_are_counted_every_merge_and_reported_once()
    {
        var reported = new List<MergeConflict>();
        var engine = new MergeEngine(onFirstConflict: reported.Add);
        MergeSource[] sources = [Source("a", Counter("m", V(1))), Source("b", Counter("m", V(1))), Source("c", Gauge("m", GaugeMergePolicy.Max, V(1)))];

        engine.Merge(sources);
        var second = engine.Merge(sources);

        var conflict = Assert.Single(reported);
        Assert.Equal("merge conflict in family 'm' (type): kept counter m{} from 'a', left out gauge m{} policy=Max from 'c'; left out from: c", conflict.ToString());
        var counts = second.Snapshot.Find("aggregator_merge_conflicts")!;
        Assert.Equal(["m", "type"], Assert.Single(counts.Series).LabelValues);
        Assert.Equal(2, counts.Series[0].Value);
        Assert.Equal(["=2"], Values(second, "m"));
    }

    [Fact]
    public void All_gauges_keep_their_series_once_conflicts_are_counted()
    {
        var engine = new MergeEngine();

        var result = engine.Merge(
        [
            Source("a", Counter("m", V(1)), Gauge("g", GaugeMergePolicy.All, L("x", 1))),
            Source("b", Counter("m", V(1)), Gauge("g", GaugeMergePolicy.All, L("x", 2))),
            Source("c", Gauge("m", GaugeMergePolicy.Max, V(1)), Gauge("g", GaugeMergePolicy.All, L("x", 3))),
        ]);

        Assert.Equal(["k", "worker"], result.Snapshot.Find("g")!.Definition.LabelNames);
        Assert.Equal(["x,a=1", "x,b=2", "x,c=3"], Values(result, "g"));
        Assert.Equal([("m", MergeConflictReason.Type)], result.Conflicts.Select(c => (c.Family, c.Reason)));
        Assert.Equal(["m,type=1"], Values(result, "aggregator_merge_conflicts"));
    }

    [Fact]
    public void Merged_counters_never_decrease_across_retirements_and_restarts()
    {
        var engine = new MergeEngine();
        var random = new Random(7);
        var values = new Dictionary<string, double> { ["w1"] = 0, ["w2"] = 0, ["w3"] = 0 };
        var previous = 0.0;
        for (var step = 0; step < 500; step++)
        {
            var worker = $"w{random.Next(1, 4)}";
            switch (random.Next(4))
            {
                case 0:
                    engine.Retire(worker);
                    values[worker] = 0;
                    break;
                default:
                    values[worker] += random.Next(0, 5);
                    break;
            }

            var replied = values.Where(_ => random.Next(5) > 0).Select(v => Source(v.Key, Counter("c", V(v.Value)))).ToArray();
            var missing = values.Keys.Except(replied.Select(r => r.Name)).ToArray();
            var merged = engine.Merge(replied, missing).Snapshot.Find("c")?.Series[0].Value ?? 0;

            Assert.True(merged >= previous, $"step {step}: {merged} < {previous}");
            previous = merged;
        }
    }
}
