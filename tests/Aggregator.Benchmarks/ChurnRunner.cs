using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 11's churn case, on one node in this process. Baseline: 10 long-lived workers; the median of a scrape (node
/// collection of every worker, then the text exposition) and RSS and managed heap after a full GC, on a node started
/// after a throwaway one ran 1,000 short-lived workers (so that JIT compilation is not measured as growth). Churn: N short-lived
/// workers (each starts, counts a job, observes a duration and stops), in waves with a scrape between waves. Then the
/// same measurements with the same 10 workers alive, and the ratios. The target is that the two agree within 10%; this
/// runner reports, it never asserts a time. It does check the merged totals: churn_jobs_total and churn_job_seconds'
/// count must be exactly 10 + N (exit code 1 otherwise).
/// </summary>
public static class ChurnRunner
{
    /// <summary>Short-lived workers of a full run.</summary>
    public const int DefaultWorkers = 1_000_000;

    private const int LongLived = 10;
    private const int DefaultWave = 10_000;
    private const int WarmupWorkers = 1_000;

    private const int Scrapes = 1_000;

    // A node collection waits at most this long for workers (10 answer in about a millisecond); the ask waits longer,
    // since the merge of a node that keeps every retired worker's past can take far longer than the wait itself.
    // Untimed scrapes before each timed series, for tiered compilation to settle on the scrape path.
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SmokeWarmup = TimeSpan.FromMilliseconds(100);

    // RSS is measured on an idle node: the thread pool retires threads it added under load after 20 s without work
    // (each holds a stack), and the churn adds some; waiting the same time before both measurements compares state,
    // not how many threads the last burst left behind.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(25);

    private static readonly TimeSpan CollectionTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(10);

    // A scrape between waves slower than this ends the churn early, reported as such: on a node whose state grows
    // with history, 1,000,000 workers would otherwise run for hours.
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    /// <summary>Runs the case with <paramref name="workers"/> short-lived workers; returns the process exit code.</summary>
    /// <param name="workers">Short-lived workers over the run.</param>
    /// <param name="wave">Workers started (and stopped) between two scrapes.</param>
    /// <param name="scrapes">Timed scrapes per measurement (after 2 s of untimed ones and a 25 s settle before RSS;
    /// 0.1 s and none when fewer than 1,000).</param>
    public static async Task<int> RunAsync(int workers = DefaultWorkers, int wave = DefaultWave, int scrapes = Scrapes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wave);

        // A throwaway node first, with one small wave and a few scrapes: the code that starts, retires and merges
        // workers is compiled (JIT is per process) before the measured node's baseline, which stays a pure 10 workers.
        using (var warm = await StartNodeAsync("churn-warmup"))
        {
            await warm.Spawner.Ask<WaveDone>(new Wave(Math.Min(WarmupWorkers, workers)), AskTimeout);
            await MeasureAsync(warm.Extension, scrapes, settle: false);
            await warm.System.Terminate();
        }

        // A control node beside the measured one, never churned: at the end both are scraped in alternation, so the
        // comparison sees the same moment (JIT state, thread pool, whatever else the machine runs), not only the
        // baseline taken before the churn.
        using var control = await StartNodeAsync("churn-control");
        using var node = await StartNodeAsync("churn-bench");
        var (system, extension, spawner) = (node.System, node.Extension, node.Spawner);
        var baseline = await MeasureAsync(extension, scrapes, settle: true);
        Print($"baseline, {LongLived} long-lived workers", baseline);

        var started = 0;
        var clock = Stopwatch.StartNew();
        var report = Math.Max(1, workers / 10);
        var nextReport = report;
        var stoppedEarly = false;
        while (started < workers)
        {
            var count = Math.Min(wave, workers - started);
            await spawner.Ask<WaveDone>(new Wave(count), AskTimeout);
            started += count;
            var scrape = Stopwatch.StartNew();
            await ScrapeAsync(extension);
            if (started >= nextReport || started == workers || scrape.Elapsed > GiveUpAfter)
            {
                nextReport += report;
                var (rss, heap) = Measure.AfterFullGc();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {started,9:N0} short-lived workers after {clock.Elapsed.TotalSeconds,6:F1} s: scrape {scrape.Elapsed.TotalMilliseconds,8:F1} ms, RSS {rss,7:F1} MiB, managed heap {heap,7:F1} MiB"));
            }

            if (scrape.Elapsed > GiveUpAfter)
            {
                stoppedEarly = true;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  churn stopped early: a scrape took {scrape.Elapsed.TotalSeconds:F1} s (more than {GiveUpAfter.TotalSeconds:F0} s) after {started:N0} of {workers:N0} workers"));
                break;
            }
        }

        var after = await MeasureAsync(extension, stoppedEarly ? Math.Min(3, scrapes) : scrapes, settle: true);
        Print($"after {started:N0} short-lived workers, the same {LongLived} alive", after);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"churn ratios (after / baseline): scrape median {after.MedianMs / baseline.MedianMs:F2}, RSS {after.RssMiB / baseline.RssMiB:F2}, managed heap {after.HeapMiB / baseline.HeapMiB:F2}, body {after.BodyBytes / (double)baseline.BodyBytes:F2} (target: within 10%)"));

        var (churnedMs, controlMs) = await AlternateAsync(extension, control.Extension, after.Scrapes);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"churned node against a never-churned {LongLived}-worker node, scraped in alternation: median {churnedMs:F3} ms against {controlMs:F3} ms, ratio {churnedMs / controlMs:F2} (target: within 10%)"));

        var expected = LongLived + started;
        var jobs = after.Jobs;
        var exact = jobs == expected && after.JobCount == expected;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"churn totals: churn_jobs_total {jobs:R}, churn_job_seconds_count {after.JobCount} (expected {expected} each: {LongLived} long-lived + {started} short-lived): {(exact ? "exact" : "WRONG")}"));
        await system.Terminate();
        await control.System.Terminate();
        return exact ? 0 : 1;
    }

    private static async Task<BenchNode> StartNodeAsync(string name)
    {
        var system = ActorSystem.Create(name, """
            akka.loglevel = WARNING
            akka.log-dead-letters = off
            aggregator.collectors { process = off, runtime = off, meters = off }
            """);
        var extension = AggregatorExtension.Get(system);
        var ready = new List<Task<string>>();
        for (var i = 0; i < LongLived; i++)
        {
            ready.Add(system.ActorOf(LongLivedWorker.Props(i), $"long-{i}").Ask<string>("ready", TimeSpan.FromSeconds(30)));
        }

        await Task.WhenAll(ready);
        return new BenchNode(system, extension, system.ActorOf(Props.Create(() => new Spawner()), "churn"));
    }

    private static void Print(string name, Measurement m) => Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{name}: scrape (collect + text) median {m.MedianMs:F2} ms over {m.Scrapes} scrapes; RSS {m.RssMiB:F1} MiB, managed heap {m.HeapMiB:F1} MiB after a full GC; {m.Threads} threads; {m.Series} series, body {m.BodyBytes} B"));

    private static async Task<Measurement> MeasureAsync(AggregatorExtension extension, int scrapes, bool settle)
    {
        var full = scrapes >= Scrapes;
        var median = await Measure.MedianMsAsync(full ? Warmup : SmokeWarmup, scrapes, () => ScrapeAsync(extension));
        var (snapshot, bytes) = await ScrapeAsync(extension);
        if (full && settle)
        {
            await Task.Delay(Settle);
        }

        var (rss, heap) = Measure.AfterFullGc();
        var jobs = snapshot.Find(ChurnFamilies.Jobs)?.Series.Sum(s => s.Value) ?? double.NaN;
        var jobCount = snapshot.Find(ChurnFamilies.JobSeconds)?.Series.Sum(s => s.Count) ?? -1;
        return new Measurement(median, scrapes, rss, heap, Measure.Threads(), snapshot.Families.Sum(f => f.Series.Count), bytes, jobs, jobCount);
    }

    /// <summary>Medians of <paramref name="scrapes"/> scrapes of each node, taken in turns (which goes first alternates).</summary>
    private static async Task<(double FirstMs, double SecondMs)> AlternateAsync(AggregatorExtension first, AggregatorExtension second, int scrapes)
    {
        var firstTimes = new double[scrapes];
        var secondTimes = new double[scrapes];
        for (var i = 0; i < scrapes; i++)
        {
            var firstGoesFirst = i % 2 == 0;
            var one = await TimeAsync(firstGoesFirst ? first : second);
            var other = await TimeAsync(firstGoesFirst ? second : first);
            (firstTimes[i], secondTimes[i]) = firstGoesFirst ? (one, other) : (other, one);
        }

        Array.Sort(firstTimes);
        Array.Sort(secondTimes);
        return (firstTimes[scrapes / 2], secondTimes[scrapes / 2]);

        static async Task<double> TimeAsync(AggregatorExtension extension)
        {
            var clock = Stopwatch.StartNew();
            await ScrapeAsync(extension);
            return clock.Elapsed.TotalMilliseconds;
        }
    }

    /// <summary>One scrape as a server does it: collect every worker of the node, then write the text exposition.</summary>
    private static async Task<(MetricsSnapshot Snapshot, long Bytes)> ScrapeAsync(AggregatorExtension extension)
    {
        var reply = await extension.NodeCollector.Ask<NodeCollectorProtocol.CollectReply>(new NodeCollectorProtocol.Collect(WorkerSelection.All, CollectionTimeout), AskTimeout);
        var bytes = await ExpositionWriter.WriteAsync(reply.Snapshot, ExpositionFormat.Text, Stream.Null);
        return (reply.Snapshot, bytes);
    }

    private sealed record Measurement(double MedianMs, int Scrapes, double RssMiB, double HeapMiB, int Threads, int Series, long BodyBytes, double Jobs, long JobCount);

    /// <summary>A node of the run: its actor system, Aggregator, and the parent of its short-lived workers.</summary>
    private sealed record BenchNode(ActorSystem System, AggregatorExtension Extension, IActorRef Spawner) : IDisposable
    {
        public void Dispose() => System.Dispose();
    }

    private sealed record Wave(int Count);

    private sealed record WaveDone;

    /// <summary>
    /// Starts a wave of short-lived workers as its children (/user/churn/job-N, every path new) and answers when all
    /// of them have terminated: each has told the node collector of its retirement by then (in PostStop, before its
    /// termination is signalled), so a collection asked afterwards includes them.
    /// </summary>
    private sealed class Spawner : ReceiveActor
    {
        private long _next;
        private int _pending;
        private IActorRef _requester = ActorRefs.Nobody;

        public Spawner()
        {
            Receive<Wave>(w =>
            {
                _requester = Sender;
                _pending = w.Count;
                for (var i = 0; i < w.Count; i++)
                {
                    var job = _next++;
                    Context.Watch(Context.ActorOf(Props.Create(() => new ShortLivedWorker(job)), "job-" + job.ToString(CultureInfo.InvariantCulture)));
                }
            });
            Receive<Terminated>(_ =>
            {
                if (--_pending == 0)
                {
                    _requester.Tell(new WaveDone());
                }
            });
        }
    }

    /// <summary>An actor per job: records once and stops right after starting.</summary>
    private sealed class ShortLivedWorker : MeteredReceiveActor
    {
        public ShortLivedWorker(long job) => ChurnFamilies.Record(Metrics, job);

        protected override void PreStart() => Context.Stop(Self);
    }
}
