using System.Runtime.InteropServices;
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
