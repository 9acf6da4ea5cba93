using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using Akka.Actor;
using Akka.Configuration;
using Aggregator.Actors;

namespace Aggregator.Benchmarks;

/// <summary>
/// Issue 13's throughput case: ping-pong and fan-in between plain <see cref="ReceiveActor"/>s, the same actors on
/// <see cref="MeteredReceiveActor"/> in a system with telemetry off, and in a system with telemetry on (message types
/// on, Akka's actor events on), in one process, the variants taking turns round after round so that the machine's load
/// falls on each alike. Reports the median messages per second of each and its loss against the plain actors; asserts
/// nothing.
/// </summary>
public static class TelemetryRunner
{
    private const int Pairs = 2;
    private const int InFlight = 10;
    private const int Senders = 8;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="rounds"/> rounds; each measures every variant once per case.</summary>
    /// <param name="rounds">Rounds (the median over them is reported).</param>
    /// <param name="roundTrips">Round trips per ping-pong pair per measurement.</param>
    /// <param name="itemsPerSender">Items per fan-in sender per measurement.</param>
    public static async Task RunAsync(int rounds = 41, int roundTrips = 500_000, int itemsPerSender = 250_000)
    {
        using var off = ActorSystem.Create("telemetry-off", Config(telemetry: false));
        using var on = ActorSystem.Create("telemetry-on", Config(telemetry: true));
        AggregatorExtension.Get(off);
        AggregatorExtension.Get(on);
        Variant[] variants =
        [
            new("plain ReceiveActor", off, i => Props.Create(() => new PlainBenchActor(i))),

            // The same plain actors measured again as if they were a variant: their "loss" is this machine's noise
            // floor for the run, against which the other variants' losses are read.
            new("plain again (A/A control)", off, i => Props.Create(() => new PlainBenchActor(i))),

            // The plain code under a second class: what profile-guided optimization's preference for the first class
            // is worth here (see PlainTwinBenchActor).
            new("plain, twin class", off, i => Props.Create(() => new PlainTwinBenchActor(i))),
            new("metered, telemetry off", off, i => Props.Create(() => new MeteredBenchActor(i))),
            new("metered, telemetry on", on, i => Props.Create(() => new MeteredBenchActor(i))),
        ];

        Console.WriteLine($"telemetry: {Environment.ProcessorCount} cores, {Cpu()}, vector {(Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128)} bit, .NET {Environment.Version}");
        Console.WriteLine($"telemetry: {rounds} rounds; ping-pong {Pairs} pairs x {roundTrips:N0} round trips ({InFlight} in flight); fan-in {Senders} senders x {itemsPerSender:N0} items (2 classes)");

        // Warm-up: JIT, thread pool and the telemetry series.
        foreach (var variant in variants)
        {
            await PingPongAsync(variant, Math.Max(1, roundTrips / 10));
            await FanInAsync(variant, Math.Max(FanInBatchMultiple(itemsPerSender / 10), TelemetryActors.FanInBatch));
        }

        var pingPong = variants.ToDictionary(v => v.Name, _ => new List<(double Rate, double CpuNs)>());
        var fanIn = variants.ToDictionary(v => v.Name, _ => new List<(double Rate, double CpuNs)>());
        for (var round = 0; round < rounds; round++)
        {
            // A different variant goes first each round.
            for (var k = 0; k < variants.Length; k++)
            {
                var variant = variants[(round + k) % variants.Length];
                pingPong[variant.Name].Add(await PingPongAsync(variant, roundTrips));
                fanIn[variant.Name].Add(await FanInAsync(variant, FanInBatchMultiple(itemsPerSender)));
            }
        }

        Report("ping-pong", variants, pingPong);
        Report("fan-in", variants, fanIn);

        var collected = (await AggregatorExtension.Get(on).CollectAsync()).Snapshot;
        var messages = collected.Find("akka_actor_messages")?.Series.Sum(s => s.Value) ?? 0;
        var timed = collected.Find("akka_actor_processing_seconds")?.Series.Sum(s => s.Count) ?? 0;
        Console.WriteLine($"telemetry: the telemetry-on system counted {messages:N0} messages in akka_actor_messages_total over {collected.Find("akka_actor_messages")?.Series.Count ?? 0} series, and timed {timed:N0} of them (adaptive timing)");
    }

    private static int FanInBatchMultiple(int items) => Math.Max(1, items / TelemetryActors.FanInBatch) * TelemetryActors.FanInBatch;

    private static async Task<(double Rate, double CpuNs)> PingPongAsync(Variant variant, int roundTrips)
    {
        var actors = new List<IActorRef>();
        var done = new List<Task>();
        var starts = new List<(IActorRef Pinger, TelemetryActors.StartPingPong Start)>();
        for (var p = 0; p < Pairs; p++)
        {
            var pinger = variant.System.ActorOf(variant.Props(p));
            var ponger = variant.System.ActorOf(variant.Props(p));
            actors.Add(pinger);
            actors.Add(ponger);
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.Add(completion.Task);
            starts.Add((pinger, new TelemetryActors.StartPingPong(ponger, roundTrips, InFlight, completion)));
        }

        var cpu = CpuTime();
        var clock = Stopwatch.StartNew();
        foreach (var (pinger, start) in starts)
        {
            pinger.Tell(start);
        }

        await Task.WhenAll(done).WaitAsync(Timeout);
        var elapsed = clock.Elapsed;
        var cpuUsed = CpuTime() - cpu;
        await StopAsync(actors);
        var messages = 2.0 * Pairs * roundTrips;
        return (messages / elapsed.TotalSeconds, cpuUsed.TotalNanoseconds / messages);
    }

    private static async Task<(double Rate, double CpuNs)> FanInAsync(Variant variant, int itemsPerSender)
    {
        var receiver = variant.System.ActorOf(variant.Props(0));
        var senders = Enumerable.Range(0, Senders).Select(i => variant.System.ActorOf(variant.Props(i))).ToArray();
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await receiver.Ask<object>(new Identify(null), Timeout);
        receiver.Tell(new TelemetryActors.ExpectFanIn(Senders * itemsPerSender, Senders, completion));

        var cpu = CpuTime();
        var clock = Stopwatch.StartNew();
        foreach (var sender in senders)
        {
            sender.Tell(new TelemetryActors.StartFanIn(receiver, itemsPerSender));
        }

        await completion.Task.WaitAsync(Timeout);
        var elapsed = clock.Elapsed;
        var cpuUsed = CpuTime() - cpu;
        await StopAsync([receiver, .. senders]);
        var messages = (double)Senders * itemsPerSender;
        return (messages / elapsed.TotalSeconds, cpuUsed.TotalNanoseconds / messages);
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static async Task StopAsync(IEnumerable<IActorRef> actors) =>
        await Task.WhenAll(actors.Select(a => a.GracefulStop(Timeout)));

    // Wall-clock throughput is what a user sees, but on a shared machine it moves with other people's load: each round
    // measures the variants back to back, and the loss is the median over rounds of that round's ratio to the
    // plain actors, so that a slow stretch of the machine weighs on both sides of a ratio. The process's CPU time per
    // message is reported beside it.
    private static void Report(string name, Variant[] variants, Dictionary<string, List<(double Rate, double CpuNs)>> figures)
    {
        var plain = figures[variants[0].Name];
        var twin = figures[variants[2].Name];
        foreach (var variant in variants)
        {
            var values = figures[variant.Name];
            var rate = Median([.. values.Select(f => f.Rate)]);
            var cpu = Median([.. values.Select(f => f.CpuNs)]);
            var cost = Median([.. values.Select((f, i) => f.CpuNs / plain[i].CpuNs)]) - 1;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"telemetry: {name,-9} {variant.Name,-26} median {rate / 1e6,6:F3} M msg/s; loss against plain {Loss(values, plain)}, against the twin class {Loss(values, twin)}; CPU {cpu,5:F1} ns/msg, cost {cost * 100,5:F1} %; runs M msg/s: {string.Join(" ", values.Select(v => (v.Rate / 1e6).ToString("F2", CultureInfo.InvariantCulture)))}"));
        }
    }

    // The median over rounds of the round's throughput ratio, as a loss, with its bootstrap interval.
    private static string Loss(List<(double Rate, double CpuNs)> values, List<(double Rate, double CpuNs)> baseline)
    {
        double[] ratios = [.. values.Select((f, i) => f.Rate / baseline[i].Rate)];
        var (low, high) = MedianInterval(ratios);
        return string.Create(CultureInfo.InvariantCulture, $"{(1 - Median(ratios)) * 100,5:F1} % ({(1 - high) * 100:F1} to {(1 - low) * 100:F1})");
    }

    // A bootstrap interval of the median round ratio: the rounds resampled with replacement (fixed seed, so a run's
    // figures can be recomputed), the 2.5th and 97.5th percentiles of the resampled medians.
    private static (double Low, double High) MedianInterval(double[] ratios)
    {
        const int Resamples = 2_000;
        var random = new Random(13);
        var medians = new double[Resamples];
        var sample = new double[ratios.Length];
        for (var r = 0; r < Resamples; r++)
        {
            for (var i = 0; i < sample.Length; i++)
            {
                sample[i] = ratios[random.Next(ratios.Length)];
            }

            medians[r] = Median(sample);
        }

        Array.Sort(medians);
        return (medians[(int)(Resamples * 0.025)], medians[(int)(Resamples * 0.975) - 1]);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Cpu()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    private static Config Config(bool telemetry) => ConfigurationFactory.ParseString($$"""
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        akka.actor.telemetry.enabled = {{(telemetry ? "on" : "off")}}
        aggregator.collectors { process = off, runtime = off, meters = off }
        aggregator.telemetry.enabled = {{(telemetry ? "on" : "off")}}
        """);

    private sealed record Variant(string Name, ActorSystem System, Func<int, Props> Props);
}
