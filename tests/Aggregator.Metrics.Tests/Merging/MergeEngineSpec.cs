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
        engine.Retire("p2", "/");
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
        engine.Retire("p2", "/");
        var second = engine.Merge([Process("p1", 1, 150, GaugeMergePolicy.All, 30)]);

        Assert.Equal(["p1=100@10", "p2=300@20"], Values(first, "memory"));
        Assert.Equal(["p1=150@30"], Values(second, "memory"));
    }

    [Fact]
    public void A_restarted_source_continues_from_zero_on_top_of_its_retained_past()
    {
        var engine = new MergeEngine();

        engine.Merge([Source("w", Counter("c", V(10)))]);
        engine.Restarted("w");
        var afterRestart = engine.Merge([Source("w", Counter("c", V(0)))]);
        var later = engine.Merge([Source("w", Counter("c", V(3)))]);
        engine.Restarted("w");
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
    public void A_selection_sees_the_groups_it_covers_and_not_the_others()
    {
        var engine = new MergeEngine();
        engine.Merge([Source("/a/1", Counter("c", V(1))), Source("/a/2", Counter("c", V(2))), Source("/b/1", Counter("c", V(4)))]);
        engine.Retire("/a/1", "/a");
        engine.Retire("/a/2", "/a");
        engine.Retire("/b/1", "/b");

        var all = engine.Merge([]);
        var underA = engine.Merge([], selection: new Prefix("/a/"));

        Assert.Equal(["=7"], Values(all, "c"));
        Assert.Equal(["=3"], Values(underA, "c"));
        Assert.Equal(["/a", "/b"], engine.RetiredGroups);
    }

    [Fact]
    public void Retiring_many_sources_into_one_group_keeps_one_total_and_merges_as_few_sources()
    {
        var engine = new MergeEngine();
        for (var i = 0; i < 10_000; i++)
        {
            engine.Merge([Source("/user/live", Counter("c", V(1))), Source($"/user/req/{i}", Counter("c", V(2)))]);
            engine.Retire($"/user/req/{i}", "/user/req");
        }

        var merged = engine.Merge([Source("/user/live", Counter("c", V(1)))]);

        Assert.Equal(["=20001"], Values(merged, "c"));
        Assert.Equal(["/user/req"], engine.RetiredGroups);
        Assert.Equal(2, engine.LastMergeSourceCount);
        Assert.Empty(engine.RestartedSources);
    }

    [Fact]
    public void A_cached_selection_stays_monotonic_when_a_source_it_matched_retires_into_a_group_it_does_not_cover()
    {
        var engine = new MergeEngine();
        var one = new Prefix("/user/w1");
        engine.Merge([Source("/user/w1", Counter("c", V(4))), Source("/user/w2", Counter("c", V(7)))]);
        var before = engine.Merge([Source("/user/w1", Counter("c", V(5)))], selection: one);
        engine.Retire("/user/w1", "/user");
        var after = engine.Merge([], selection: one);
        var all = engine.Merge([Source("/user/w2", Counter("c", V(8)))]);

        Assert.Equal(["=5"], Values(before, "c"));
        Assert.Equal(["=5"], Values(after, "c"));
        Assert.Equal(["=13"], Values(all, "c"));
    }

    [Fact]
    public void Selections_beyond_the_cache_size_evict_the_least_recently_used()
    {
        var engine = new MergeEngine(selectionCacheSize: 3);
        for (var i = 0; i < 10_000; i++)
        {
            engine.Merge([Source("/w", Counter("c", V(1)))], selection: new Prefix($"/w{i}"));
        }

        Assert.Equal(3, engine.CachedSelections);
    }

    [Fact]
    public void A_group_raised_from_elsewhere_keeps_the_further_series_and_a_fold_replaces_its_members()
    {
        var engine = new MergeEngine("node");
        engine.Merge([Source("n1", Counter("c", L("x", 5), L("y", 9)))]);
        engine.Retire("n1", "n1#1");

        engine.RaiseGroup("n1#1", Of(Counter("c", L("x", 6), L("y", 2), L("z", 1))));
        var raised = engine.Merge([]);
        engine.FoldedElsewhere(["n1#1"], "fold", Of(Counter("c", L("x", 10))));
        var folded = engine.Merge([]);

        Assert.Equal(["x=6", "y=9", "z=1"], Values(raised, "c"));
        Assert.Equal(["x=10"], Values(folded, "c"));
        Assert.Equal(["fold"], engine.RetiredGroups);
    }

    // Matches sources whose names start with the prefix, and covers groups all of whose children do.
    private sealed record Prefix(string Value) : IMergeSelection
    {
        public bool AnswersAsUnfiltered => true;

        public bool Matches(string source) => source.StartsWith(Value, StringComparison.Ordinal);

        public bool Covers(string group) => (group + "/").StartsWith(Value, StringComparison.Ordinal);
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
                    engine.Restarted(worker);
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

    [Fact]
    public void A_family_filtered_merge_equals_the_unfiltered_merge_without_the_other_families()
    {
        static MergeSource[] Sources(double a, double b) =>
        [
            Source("w1", Counter("a", V(a)), Counter("b", V(b)), Gauge("g", GaugeMergePolicy.Max, V(a + b))),
            Source("w2", Counter("a", V(2 * a)), Counter("b", V(2 * b))),
        ];
        var unfiltered = new MergeEngine();
        var filtered = new MergeEngine();
        var only = new FamilyFilter(["a_total", "g"]);

        var full = unfiltered.Merge(Sources(1, 10));
        var part = filtered.Merge([.. Sources(1, 10).Select(s => new MergeSource(s.Name, only.Apply(s.Snapshot)))], families: only);

        Assert.Equal(["a", "g"], part.Snapshot.Families.Select(f => f.Name));
        Assert.Equal(Values(full, "a"), Values(part, "a"));
        Assert.Equal(Values(full, "g"), Values(part, "g"));
    }

    [Fact]
    public void A_source_silent_after_a_filtered_answer_still_contributes_every_family_it_answered_before()
    {
        var engine = new MergeEngine();
        var only = new FamilyFilter(["a"]);

        engine.Merge([Source("w1", Counter("a", V(1)), Counter("b", V(10))), Source("w2", Counter("a", V(1)), Counter("b", V(10)))]);
        var filtered = engine.Merge([Source("w1", Counter("a", V(3))), Source("w2", Counter("a", V(4)))], families: only);
        var silentW2 = engine.Merge([Source("w1", Counter("a", V(5)), Counter("b", V(11)))], missing: ["w2"]);
        var silentFiltered = engine.Merge([], missing: ["w1", "w2"], families: only);

        Assert.Equal(["a"], filtered.Snapshot.Families.Select(f => f.Name));
        Assert.Equal(["=7"], Values(filtered, "a"));

        // w2's a comes from its filtered answer (4), its b from the unfiltered one before (10).
        Assert.Equal(["=9"], Values(silentW2, "a"));
        Assert.Equal(["=21"], Values(silentW2, "b"));
        Assert.Equal(["a"], silentFiltered.Snapshot.Families.Select(f => f.Name));
        Assert.Equal(["=9"], Values(silentFiltered, "a"));
    }

    [Fact]
    public void A_family_filter_applies_to_pasts_retired_groups_and_the_conflict_count()
    {
        var engine = new MergeEngine();
        engine.Merge([Source("w1", Counter("a", V(1)), Counter("b", V(2))), Source("w2", Counter("a", V(4)), Counter("b", V(8)))]);
        engine.Retire("w2", "/user");
        engine.Restarted("w1");
        engine.Merge([Source("w1", Counter("a", V(0))), Source("w3", Gauge("a", GaugeMergePolicy.Max, V(1)))]);

        var only = new FamilyFilter(["b"]);
        var merged = engine.Merge([], families: only);

        Assert.Equal(["b"], merged.Snapshot.Families.Select(f => f.Name));
        Assert.Equal(["=10"], Values(merged, "b"));
        Assert.Equal(["a", MergeEngine.ConflictsCounterName[..^"_total".Length]], engine.Merge([], families: new FamilyFilter(["a", MergeEngine.ConflictsCounterName])).Snapshot.Families.Select(f => f.Name));
    }

    [Fact]
    public void An_unfiltered_merge_of_unchanged_inputs_reuses_the_last_result_until_anything_changes()
    {
        var engine = new MergeEngine();
        MergeSource[] Inputs(double a) => [Source("w1", Counter("a", V(a))), Source("w2", Counter("a", V(2)), Gauge("g", GaugeMergePolicy.Max, V(double.NaN)))];

        var first = engine.Merge(Inputs(1), missing: ["w3"]);
        var same = engine.Merge(Inputs(1), missing: ["w3"]);
        Assert.True(engine.LastMergeReused);
        Assert.Same(first.Snapshot, same.Snapshot);

        engine.Merge(Inputs(1));
        Assert.False(engine.LastMergeReused);
        var changed = engine.Merge(Inputs(5));
        Assert.False(engine.LastMergeReused);
        Assert.Equal(["=7"], Values(changed, "a"));
        engine.Merge(Inputs(5), selection: new WorkerSelectionStub());
        Assert.False(engine.LastMergeReused);
        engine.Merge(Inputs(5), families: new FamilyFilter(["a"]));
        Assert.False(engine.LastMergeReused);

        engine.Merge(Inputs(5));
        Assert.True(engine.LastMergeReused);
        engine.Retire("w9", "/user");
        var afterRetire = engine.Merge(Inputs(5));
        Assert.False(engine.LastMergeReused);
        Assert.Equal(["=7"], Values(afterRetire, "a"));
    }

    [Fact]
    public void A_merge_with_conflicts_is_never_reused_so_each_merge_counts_them()
    {
        var engine = new MergeEngine();
        MergeSource[] Inputs() => [Source("w1", Counter("a", V(1))), Source("w2", Counter("a", V(1))), Source("w3", Gauge("a", GaugeMergePolicy.Max, V(1)))];

        engine.Merge(Inputs());
        var second = engine.Merge(Inputs());

        Assert.False(engine.LastMergeReused);
        Assert.Equal(["a,type=2"], Values(second, "aggregator_merge_conflicts"));
    }

    [Fact]
    public void Extra_families_join_in_the_same_walk_read_this_merges_counts_and_stay_out_of_the_reused_merge()
    {
        var engine = new MergeEngine();
        MergeSource[] Inputs() => [Source("w1", Counter("a", V(1)), Counter("c", V(1))), Source("w2", Counter("a", V(2)))];
        var calls = 0;
        MetricsSnapshot Extra() => Of(Gauge("b_sources", GaugeMergePolicy.Max, V(engine.LastMergeSourceCount + (10 * ++calls))), Counter("c", V(100)));

        var first = engine.Merge(Inputs(), missing: ["w3"], extra: Extra);
        var reused = engine.Merge(Inputs(), missing: ["w3"], extra: Extra);

        Assert.Equal(2, calls);
        Assert.True(engine.LastMergeReused);
        Assert.Equal(["a", "b_sources", "c"], first.Snapshot.Families.Select(f => f.Name));
        Assert.Equal(["=12"], Values(first, "b_sources"));
        Assert.Equal(["=22"], Values(reused, "b_sources"));
        Assert.Equal(["=101"], Values(first, "c"));
        Assert.Equal(["=101"], Values(reused, "c"));
        Assert.Equal(["a", "c"], first.Merged.Families.Select(f => f.Name));
        Assert.Equal(1.0, first.Merged.Find("c")!.Series.Single().Value);
        Assert.Same(first.Merged, reused.Merged);
        Assert.Equal(Expose(SnapshotMerger.Combine(first.Merged, Of(Gauge("b_sources", GaugeMergePolicy.Max, V(12)), Counter("c", V(100))))), Expose(first.Snapshot));

        // A filter applies to the extra families as well (the sources answer the selected families alone).
        var filtered = engine.Merge([Source("w1", Counter("a", V(1))), Source("w2", Counter("a", V(2)))], families: new FamilyFilter(["a", "b_sources"]), extra: Extra);
        Assert.Equal(["a", "b_sources"], filtered.Snapshot.Families.Select(f => f.Name));
        Assert.Equal(["a"], filtered.Merged.Families.Select(f => f.Name));
    }

    private static string Expose(MetricsSnapshot snapshot) => Tests.Expose.Render(snapshot, Metrics.Exposition.ExpositionFormat.Text);

    private sealed class WorkerSelectionStub : IMergeSelection
    {
        public bool AnswersAsUnfiltered => true;

        public bool Matches(string source) => true;

        public bool Covers(string group) => true;

        public override bool Equals(object? obj) => obj is WorkerSelectionStub;

        public override int GetHashCode() => 1;
    }
}
