using Aggregator.Metrics;
using Aggregator.Metrics.Merging;
using BenchmarkDotNet.Attributes;

namespace Aggregator.Benchmarks;

/// <summary>
/// The merge of SPEC §10: 8 workers × the same 10,000 labelled counter series (target ≤ 10 ms), 8 × 10,000 disjoint
/// series (≤ 25 ms), and a mix of counters and 16-bucket histograms. The inputs are real worker snapshots
/// (<see cref="MetricRegistry.Collect"/>), each worker with label values of its own string instances, as they arrive
/// from separate actors or nodes; the merge cannot compare them by reference.
/// </summary>
[MemoryDiagnoser]
public class MergeBenchmarks
{
    private const int Workers = 8;
    private const int Series = 10_000;

    private static readonly double[] SixteenBuckets = Buckets.Exponential(0.001, 2, 16);

    private MergeSource[] _same = null!;
    private MergeSource[] _disjoint = null!;
    private MergeSource[] _mixed = null!;
    private MergeEngine _engine = null!;
    private MergeSource[][] _sameTwice = null!;
    private MergeEngine _changingEngine = null!;
    private MergeEngine _copyingEngine = null!;
    private AlignmentMemo _memo = null!;
    private int _turn;

    [GlobalSetup]
    public void Setup()
    {
        _same = [.. Enumerable.Range(0, Workers).Select(w => Source(w, SameCounters))];
        _disjoint = [.. Enumerable.Range(0, Workers).Select(w => Source(w, DisjointCounters))];
        _mixed = [.. Enumerable.Range(0, Workers).Select(w => Source(w, Mixed))];
        _engine = new MergeEngine();

        // The same workers collected twice with every value changed in between, as consecutive collections are: the
        // same label arrays, other values.
        var registries = Enumerable.Range(0, Workers).Select(w =>
        {
            var registry = new WorkerRegistry();
            SameCounters(registry, w);
            return registry;
        }).ToArray();
        _sameTwice = new MergeSource[2][];
        for (var turn = 0; turn < 2; turn++)
        {
            _sameTwice[turn] = [.. registries.Select((r, w) => new MergeSource($"worker-{w}", r.Collect()))];
            foreach (var registry in registries)
            {
                var counter = registry.Counter("requests_total", "Requests.", "route", "code");
                for (var i = 0; i < Series; i++)
                {
                    counter.WithLabels(Route(i / 10), Code(i % 10)).Inc();
                }
            }
        }

        _changingEngine = new MergeEngine();
        _copyingEngine = new MergeEngine(copyLabels: true);
        _memo = new AlignmentMemo();
    }

    /// <summary>8 workers × the same 10,000 counter series: every output series adds 8 inputs.</summary>
    [Benchmark]
    public MergeResult Same8x10k() => SnapshotMerger.Merge(_same);

    /// <summary>8 workers × 10,000 series of their own: 80,000 output series, each passed through.</summary>
    [Benchmark]
    public MergeResult Disjoint8x10k() => SnapshotMerger.Merge(_disjoint);

    /// <summary>8 workers × the same 5,000 counters and 1,000 histograms with 16 buckets.</summary>
    [Benchmark]
    public MergeResult Mixed8x6k() => SnapshotMerger.Merge(_mixed);

    /// <summary>The stateful engine a collector runs on the same-series case (keeps each source's monotonic part).</summary>
    [Benchmark]
    public MergeResult EngineSame8x10k() => _engine.Merge(_same);

    /// <summary>
    /// The engine on the same-series case with every value changing between merges (it alternates between two
    /// collections of the same workers): no merge can be reused whole, but the sources' label arrays are the ones the
    /// last merge found aligned, so each merges in place.
    /// </summary>
    [Benchmark]
    public MergeResult EngineSame8x10kChanging() => _changingEngine.Merge(_sameTwice[_turn++ & 1]);

    /// <summary>
    /// <see cref="EngineSame8x10kChanging"/> as a node collector runs it, handing out its own copies of the label sets
    /// (made at the first merge, found by reference afterwards): what the copies add to each merge.
    /// </summary>
    [Benchmark]
    public MergeResult EngineSame8x10kChangingCopies() => _copyingEngine.Merge(_sameTwice[_turn++ & 1]);

    /// <summary>
    /// <see cref="Same8x10k"/> through an alignment memo, alternating between two collections of the same workers:
    /// what a collector's merge costs when the workers hand the label arrays the last merge found aligned.
    /// </summary>
    [Benchmark]
    public MergeResult Same8x10kAligned() => SnapshotMerger.Merge(_sameTwice[_turn++ & 1], MetricsSnapshot.Empty, _memo);

    /// <summary><see cref="Same8x10k"/> on the same alternating collections, without the memo, for the ratio.</summary>
    [Benchmark]
    public MergeResult Same8x10kAlternating() => SnapshotMerger.Merge(_sameTwice[_turn++ & 1]);

    private static MergeSource Source(int worker, Action<WorkerRegistry, int> fill)
    {
        var registry = new WorkerRegistry();
        fill(registry, worker);
        return new MergeSource(string.Concat("worker-", worker.ToString(System.Globalization.CultureInfo.InvariantCulture)), registry.Collect());
    }

    private static void SameCounters(WorkerRegistry registry, int worker)
    {
        var counter = registry.Counter("requests_total", "Requests.", "route", "code");
        for (var i = 0; i < Series; i++)
        {
            counter.WithLabels(Route(i / 10), Code(i % 10)).Inc(worker + 1);
        }
    }

    private static void DisjointCounters(WorkerRegistry registry, int worker)
    {
        var counter = registry.Counter("requests_total", "Requests.", "route", "code");
        var prefix = string.Concat("w", worker.ToString(System.Globalization.CultureInfo.InvariantCulture), "/");
        for (var i = 0; i < Series; i++)
        {
            counter.WithLabels(string.Concat(prefix, Route(i / 10)), Code(i % 10)).Inc(worker + 1);
        }
    }

    private static void Mixed(WorkerRegistry registry, int worker)
    {
        var counter = registry.Counter("requests_total", "Requests.", "route", "code");
        for (var i = 0; i < 5_000; i++)
        {
            counter.WithLabels(Route(i / 10), Code(i % 10)).Inc(worker + 1);
        }

        var histogram = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency.", LabelNames = ["route"], Buckets = SixteenBuckets });
        for (var i = 0; i < 1_000; i++)
        {
            var child = histogram.WithLabels(Route(i));
            child.Observe(0.001 * (i % 100));
            child.Observe(0.01 * worker);
        }
    }

    // A new string instance on every call, as each worker's values are in a real process (or after deserialization).
    private static string Route(int i) => string.Concat("/api/v1/items/", i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Code(int i) => string.Concat("2", i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture));
}
