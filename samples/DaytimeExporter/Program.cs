using System.Globalization;
using System.Runtime.InteropServices;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Hosting;
using DaytimeExporter;

// An exporter in the style of "Writing exporters": it owns no metrics of its own, it asks other systems at scrape time.
// Both systems it watches are part of the sample so that it runs offline: an RFC 867 daytime server and a small JSON
// service reporting its request count and launch time.
// Arguments: --port 9117 (the exporter), --launched EPOCH_SECONDS (the JSON service's launch time; default now).
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var launched = double.Parse(Arg("--launched", (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
using var daytime = DaytimeServer.Start();
await using var stats = await StatsService.StartAsync(launched);

using var system = ActorSystem.Create("exporter", "akka.loglevel = WARNING\naggregator.collectors { process = off, runtime = off, meters = off }");
var shared = AggregatorExtension.Get(system).Shared;
var probe = new DaytimeProbe(daytime.Port);
using var statsReader = new StatsReader(stats.Address);
shared.AddCollector("daytime_probe", probe.Collect);
shared.AddCollector("json_service", statsReader.Collect);

await using var server = await MetricsServer.StartAsync(system, new MetricsServerOptions { Port = int.Parse(Arg("--port", "9117"), CultureInfo.InvariantCulture) });
Console.WriteLine($"Serving {server.Address}; daytime on port {daytime.Port}; JSON service at {stats.Address}");

// SIGTERM (docker stop, systemd, Kubernetes) and Ctrl+C end the program here, so that the server and the actor system
// are disposed in order and the exit code is 0; the runtime's default for SIGTERM would exit at once with 143.
var stop = new TaskCompletionSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
await stop.Task;
await system.Terminate();
