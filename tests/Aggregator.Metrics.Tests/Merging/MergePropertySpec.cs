using Aggregator.Metrics.Exposition;
using Aggregator.Metrics.Merging;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Aggregator.Metrics.Tests.Merging;

/// <summary>
/// Properties of the merge rules (SPEC §5) over random snapshots from <see cref="SnapshotGen"/>: associativity and
/// order independence, agreement with the rule table applied series by series, and merged counters that never go
/// down under a <see cref="MergeEngine"/>. Values are generated so that they add exactly (see <see cref="SnapshotGen"/>),
/// which is what lets the comparisons be byte for byte.
/// </summary>
public sealed class MergePropertySpec
{
    [Property(MaxTest = 150)]
    public Property Worker_node_cluster_merges_equal_one_flat_merge_in_any_grouping_and_order() =>
        Prop.ForAll(SnapshotGen.Cluster(conflicts: false).ToArbitrary(), cluster =>
        {
            var flat = cluster.MergeFlat();
            var byNode = cluster.MergeByNode();

            Assert.Equal(Expose.Render(flat.Snapshot, ExpositionFormat.Text), Expose.Render(byNode.Snapshot, ExpositionFormat.Text));
            Assert.Equal(Expose.Render(flat.Snapshot, ExpositionFormat.OpenMetrics), Expose.Render(byNode.Snapshot, ExpositionFormat.OpenMetrics));
            Assert.All(flat.Conflicts.Concat(byNode.Conflicts), c => Assert.Equal(MergeConflictReason.Help, c.Reason));
        });

    [Property(MaxTest = 100)]
    public Property A_flat_merge_applies_the_rule_table_series_by_series() =>
        Prop.ForAll(SnapshotGen.Cluster(conflicts: false).ToArbitrary(), cluster =>
        {
            var merged = cluster.MergeFlat();
            var expected = Model(cluster);

            Assert.Equal(Expose.Render(expected, ExpositionFormat.OpenMetrics), Expose.Render(merged.Snapshot, ExpositionFormat.OpenMetrics));
            Assert.Equal(Expose.Render(expected, ExpositionFormat.Text), Expose.Render(merged.Snapshot, ExpositionFormat.Text));
        });

    /// <summary>More than 32 sources take the k-way merge's path in passes; the result must not change.</summary>
    [Property(MaxTest = 50)]
    public Property A_merge_of_more_than_thirty_two_sources_applies_the_same_rule_table() =>
        Prop.ForAll(SnapshotGen.Cluster(conflicts: false, workers: (33, 48), maxNodes: 1, everyFamily: true).ToArbitrary(), cluster =>
        {
            var merged = cluster.MergeFlat();

            Assert.Equal(Expose.Render(Model(cluster), ExpositionFormat.OpenMetrics), Expose.Render(merged.Snapshot, ExpositionFormat.OpenMetrics));
            Assert.Equal(Expose.Render(merged.Snapshot, ExpositionFormat.OpenMetrics), Expose.Render(cluster.MergeByNode().Snapshot, ExpositionFormat.OpenMetrics));
        });

    [Property(MaxTest = 150)]
    public Property A_merged_counter_never_decreases_across_increments_retirements_restarts_and_silent_rounds() =>
        Prop.ForAll(Steps.ToArbitrary(), steps =>
        {
            var engine = new MergeEngine();
            var workers = Enumerable.Range(0, Workers).Select(i => new WorkerModel($"w{i}")).ToArray();
            var previous = new Dictionary<string, Totals>(StringComparer.Ordinal);
            for (var i = 0; i < steps.Length; i++)
            {
                var step = steps[i];
                var worker = workers[step.Worker];
                switch (step.Kind)
                {
                    case StepKind.Stop:
                        engine.Retire(worker.Name, "/");
                        worker.Retire();
                        worker.Alive = false;
                        break;
                    case StepKind.Restart:
                        engine.Restarted(worker.Name);
                        worker.Retire();
                        worker.Alive = true;
                        break;
                    default:
                        if (worker.Alive)
                        {
                            worker.Observe(SnapshotGen.Alphabet[step.Series], step.Quarters * 0.25);
                        }

                        break;
                }

                var replied = workers.Where((w, j) => w.Alive && !step.Silent[j]).ToArray();
                var silent = workers.Where((w, j) => w.Alive && step.Silent[j]).Select(w => w.Name).ToArray();
                foreach (var w in replied)
                {
                    w.Reported();
                }

                var result = engine.Merge([.. replied.Select(w => new MergeSource(w.Name, w.Snapshot()))], silent);

                var merged = Read(result.Snapshot);
                var expected = Expected(workers);
                Assert.True(
                    expected.Count == merged.Count && expected.All(e => merged.TryGetValue(e.Key, out var m) && m == e.Value),
                    $"step {i} ({step}): merged {Describe(merged)}, expected {Describe(expected)}");
                foreach (var (series, before) in previous)
                {
                    Assert.True(merged.TryGetValue(series, out var now) && now.AtLeast(before), $"step {i} ({step}): series '{series}' went from {before} to {(merged.TryGetValue(series, out var n) ? n : "nothing")}");
                }

                Assert.Equal(
                    Describe(replied.SelectMany(w => w.Current).GroupBy(c => c.Key, c => c.Value.Counter).ToDictionary(g => g.Key, g => g.Sum())),
                    Describe(result.Snapshot.Find("g")?.Series.ToDictionary(s => s.LabelValues[0], s => s.Value) ?? []));
                previous = merged;
            }
        });

    private const int Workers = 3;

    private static Gen<Step[]> Steps =>
        from count in Gen.Choose(1, 40)
        from steps in Gen.ArrayOf(
            from kind in Gen.Frequency((6, Gen.Constant(StepKind.Increment)), (1, Gen.Constant(StepKind.Stop)), (1, Gen.Constant(StepKind.Restart)))
            from worker in Gen.Choose(0, Workers - 1)
            from series in Gen.Choose(0, 2)
            from quarters in Gen.Choose(0, 8)
            from silent in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))), Workers)
            select new Step(kind, worker, series, quarters, silent),
            count)
        select steps;

    /// <summary>
    /// SPEC §5 applied to every series on its own, written independently of the merger: the flat merge of the
    /// cluster's workers as it should be.
    /// </summary>
    private static MetricsSnapshot Model(ClusterCase cluster)
    {
        var sources = cluster.Workers
            .Select(x => (Name: x.Node + "/" + x.Worker.Name, x.Node, Worker: x.Worker.Name, x.Worker.Snapshot))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToArray();
        var families = new List<MetricFamilySnapshot>();
        foreach (var name in sources.SelectMany(s => s.Snapshot.Families.Select(f => f.Name)).Distinct())
        {
            var members = sources.Select(s => (Source: s, Family: s.Snapshot.Find(name))).Where(m => m.Family is not null).ToArray();
            var first = members[0].Family!.Definition;
            var all = first.Type == MetricType.Gauge && first.GaugePolicy == GaugeMergePolicy.All;

            // An all gauge keeps every worker of every node apart; a per-node family keeps only the nodes apart.
            var perNode = members.Any(m => m.Family!.Definition.PerNode);
            string[] added = all ? ["worker", "node"] : perNode ? ["node"] : [];
            var definition = new MetricDefinition(
                first.Type,
                first.SampleName(),
                first.Help,
                [.. first.LabelNames, .. added],
                members.Any(m => m.Family!.Definition.Timestamped),
                first.GaugePolicy,
                first.Type == MetricType.Histogram ? first.Buckets : null,
                perNode);
            var series = members
                .SelectMany(m => m.Family!.Series.Select(s => Relabel(first.Type, s, all ? [m.Source.Worker, m.Source.Node] : perNode ? [m.Source.Node] : [])))
                .GroupBy(s => string.Join('\0', s.LabelValues))
                .Select(g => Fold(definition, [.. g]))
                .ToArray();
            families.Add(new MetricFamilySnapshot(definition, series));
        }

        return new MetricsSnapshot(families);
    }

    private static SeriesSnapshot Relabel(MetricType type, SeriesSnapshot s, string[] added) => added.Length == 0 ? s : type switch
    {
        MetricType.Histogram => SeriesSnapshot.ForHistogram([.. s.LabelValues, .. added], [.. s.CumulativeBuckets], s.Sum, s.TimestampMs, s.CreatedSeconds),
        MetricType.Summary => SeriesSnapshot.ForSummary([.. s.LabelValues, .. added], s.Count, s.Sum, s.TimestampMs, s.CreatedSeconds),
        _ => SeriesSnapshot.ForValue([.. s.LabelValues, .. added], s.Value, s.TimestampMs, s.CreatedSeconds),
    };

    private static SeriesSnapshot Fold(MetricDefinition definition, SeriesSnapshot[] group)
    {
        var labels = group[0].LabelValues.ToArray();
        var newest = group.Max(s => s.TimestampMs);
        var known = group.Select(s => s.CreatedSeconds).Where(c => !double.IsNaN(c)).ToArray();
        var created = known.Length == 0 ? double.NaN : known.Min();
        switch (definition.Type)
        {
            case MetricType.Counter:
                return SeriesSnapshot.ForValue(labels, group.Sum(s => s.Value), newest, created);
            case MetricType.Histogram:
                var buckets = new long[definition.Buckets.Count + 1];
                foreach (var s in group)
                {
                    for (var b = 0; b < buckets.Length; b++)
                    {
                        buckets[b] += s.CumulativeBuckets[b];
                    }
                }

                return SeriesSnapshot.ForHistogram(labels, buckets, group.Sum(s => s.Sum), newest, created);
            case MetricType.Summary:
                return SeriesSnapshot.ForSummary(labels, group.Sum(s => s.Count), group.Sum(s => s.Sum), newest, created);
            case MetricType.Info:
                return SeriesSnapshot.ForValue(labels, 1, newest);
            default:
                break;
        }

        switch (definition.GaugePolicy)
        {
            case GaugeMergePolicy.Sum:
                // Not Enumerable.Sum, which starts from +0 and so turns a lone -0 into 0.
                return SeriesSnapshot.ForValue(labels, group.Select(s => s.Value).Aggregate((a, b) => a + b), newest);
            case GaugeMergePolicy.All:
                return Assert.Single(group);
            case GaugeMergePolicy.MostRecent:
                var latest = group[0];
                foreach (var s in group)
                {
                    if (s.TimestampMs > latest.TimestampMs || (s.TimestampMs == latest.TimestampMs && GaugeOrder.CompareForMax(s.Value, latest.Value) > 0))
                    {
                        latest = s;
                    }
                }

                return latest;
            default:
                Func<double, double, int> order = definition.GaugePolicy == GaugeMergePolicy.Max
                    ? GaugeOrder.CompareForMax
                    : (a, b) => GaugeOrder.CompareForMin(b, a);
                var best = group.Select(s => s.Value).Aggregate((a, b) => order(b, a) > 0 ? b : a);
                var tied = group.Where(s => order(s.Value, best) == 0).Max(s => s.TimestampMs);
                return SeriesSnapshot.ForValue(labels, best, tied);
        }
    }

    private static Dictionary<string, Totals> Read(MetricsSnapshot snapshot)
    {
        var totals = new Dictionary<string, Totals>(StringComparer.Ordinal);
        foreach (var s in snapshot.Find("c")?.Series ?? [])
        {
            totals[s.LabelValues[0]] = totals.GetValueOrDefault(s.LabelValues[0]) with { Counter = s.Value };
        }

        foreach (var s in snapshot.Find("h")?.Series ?? [])
        {
            totals[s.LabelValues[0]] = totals.GetValueOrDefault(s.LabelValues[0]) with { AtMostOne = s.CumulativeBuckets[0], Observations = s.Count, Sum = s.Sum };
        }

        foreach (var s in snapshot.Find("s")?.Series ?? [])
        {
            totals[s.LabelValues[0]] = totals.GetValueOrDefault(s.LabelValues[0]) with { SummaryCount = s.Count, SummarySum = s.Sum };
        }

        return totals;
    }

    private static Dictionary<string, Totals> Expected(IEnumerable<WorkerModel> workers)
    {
        var totals = new Dictionary<string, Totals>(StringComparer.Ordinal);
        foreach (var (series, value) in workers.SelectMany(w => w.Retained.Concat(w.LastReported ?? [])))
        {
            totals[series] = totals.GetValueOrDefault(series) + value;
        }

        return totals;
    }

    private static string Describe<T>(IReadOnlyDictionary<string, T> values) =>
        "{" + string.Join(", ", values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"'{v.Key}': {v.Value}")) + "}";

    private enum StepKind
    {
        Increment,
        Stop,
        Restart,
    }

    /// <summary>One step: what happens to one worker, then a merge round in which the live workers marked silent do not answer.</summary>
    private sealed record Step(StepKind Kind, int Worker, int Series, int Quarters, bool[] Silent)
    {
        public override string ToString() =>
            $"{Kind} w{Worker}" + (Kind == StepKind.Increment ? $" series {Series} by {Quarters * 0.25}" : string.Empty) +
            $", silent [{string.Join(",", Silent.Select((s, i) => s ? $"w{i}" : null).Where(s => s is not null))}]";
    }

    /// <summary>What one series adds up to: counter, histogram (bucket le=1, count, sum) and summary.</summary>
    private readonly record struct Totals(double Counter, long AtMostOne, long Observations, double Sum, long SummaryCount, double SummarySum)
    {
        public static Totals operator +(Totals a, Totals b) => new(
            a.Counter + b.Counter,
            a.AtMostOne + b.AtMostOne,
            a.Observations + b.Observations,
            a.Sum + b.Sum,
            a.SummaryCount + b.SummaryCount,
            a.SummarySum + b.SummarySum);

        public bool AtLeast(Totals before) =>
            Counter >= before.Counter && AtMostOne >= before.AtMostOne && Observations >= before.Observations
            && Sum >= before.Sum && SummaryCount >= before.SummaryCount && SummarySum >= before.SummarySum;
    }

    /// <summary>A worker as the engine should see it: its current values, what it last reported, and its retired past.</summary>
    private sealed class WorkerModel(string name)
    {
        private static readonly MetricDefinition Counter = new(MetricType.Counter, "c_total", "Counter.", ["k"]);
        private static readonly MetricDefinition Histogram = new(MetricType.Histogram, "h", "Histogram.", ["k"], buckets: [1]);
        private static readonly MetricDefinition Summary = new(MetricType.Summary, "s", "Summary.", ["k"]);
        private static readonly MetricDefinition Gauge = new(MetricType.Gauge, "g", "Gauge.", ["k"], gaugePolicy: GaugeMergePolicy.Sum);

        public string Name { get; } = name;

        public bool Alive { get; set; } = true;

        public Dictionary<string, Totals> Current { get; private set; } = new(StringComparer.Ordinal);

        public Dictionary<string, Totals>? LastReported { get; private set; }

        public Dictionary<string, Totals> Retained { get; } = new(StringComparer.Ordinal);

        public void Observe(string series, double amount) =>
            Current[series] = Current.GetValueOrDefault(series) + new Totals(amount, amount <= 1 ? 1 : 0, 1, amount, 1, amount);

        public void Reported() => LastReported = new(Current, StringComparer.Ordinal);

        /// <summary>Retired (stopped or restarting): what it last reported joins its past, and it starts again from zero.</summary>
        public void Retire()
        {
            foreach (var (series, value) in LastReported ?? [])
            {
                Retained[series] = Retained.GetValueOrDefault(series) + value;
            }

            LastReported = null;
            Current = new(StringComparer.Ordinal);
        }

        public MetricsSnapshot Snapshot()
        {
            var series = Current.OrderBy(c => c.Key, StringComparer.Ordinal).ToArray();
            return new MetricsSnapshot(
            [
                new MetricFamilySnapshot(Counter, [.. series.Select(s => SeriesSnapshot.ForValue([s.Key], s.Value.Counter))]),
                new MetricFamilySnapshot(Histogram, [.. series.Select(s => SeriesSnapshot.ForHistogram([s.Key], [s.Value.AtMostOne, s.Value.Observations], s.Value.Sum))]),
                new MetricFamilySnapshot(Summary, [.. series.Select(s => SeriesSnapshot.ForSummary([s.Key], s.Value.SummaryCount, s.Value.SummarySum))]),
                new MetricFamilySnapshot(Gauge, [.. series.Select(s => SeriesSnapshot.ForValue([s.Key], s.Value.Counter))]),
            ]);
        }
    }
}
