using Akka.Actor;
using Akka.Hosting;
using Aggregator.Hosting;
using EmbeddedActors;

// An actor system that existed before metrics: a supervisor, order processors and a flaky payment gateway. Adopting
// Aggregator took three lines: WithMetricsAggregator, MapMetrics, and MeteredReceiveActor as the workers' base class.
// Actor telemetry is one option more: messages, processing time and restarts per actor type, live actors, mailbox depth
// and dead letters per node (samples/EmbeddedActors/actor-telemetry-dashboard.json shows them in Grafana).
// Arguments: --urls http://127.0.0.1:5000 --orders 20
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var orders = builder.Configuration.GetValue("orders", 20);
builder.Services.AddAkka("shop", akka => akka
    .AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend)
    .WithMetricsAggregator(o => o.Telemetry = new() { Enabled = true })
    .WithActors((system, registry) =>
    {
        var shop = system.ActorOf(Props.Create<ShopSupervisor>(), "shop");
        system.ActorOf(Props.Create(() => new TrafficGenerator(shop, orders)), "traffic");
    }));

var app = builder.Build();
app.MapMetrics("/metrics");
app.Run();
