using Akka.Actor;
using Aggregator.Hosting;
using QuickStart;

// The seed's example program (prometheus-tcl's simplest server): counter1 and gauge1, each with two label sets over
// a and b, updated every second by random amounts (gauges up or down), served for Prometheus to scrape.
// Arguments: --port 8043 --seed 1 --interval-ms 1000 --ticks -1 (updates forever; a number stops after that many).
var options = SampleArguments.Parse(args);
using var system = ActorSystem.Create("quickstart", "akka.loglevel = WARNING");
system.ActorOf(Props.Create(() => new UpdatingWorker(options.Seed, options.Interval, options.Ticks)), "updater");
await using var server = await MetricsServer.StartAsync(system, new MetricsServerOptions { Port = options.Port });
Console.WriteLine($"Serving {server.Address}");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
await system.Terminate();
