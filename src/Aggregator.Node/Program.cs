using Akka.Actor;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Aggregator.Hosting;
using Aggregator.Node;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var node = builder.Configuration.GetSection("Node").Get<NodeOptions>() ?? new NodeOptions();
builder.WebHost.UseUrls(node.HttpUrl);

builder.Services.AddAkka(node.SystemName, akka =>
{
    if (!string.IsNullOrEmpty(node.HoconFile))
    {
        akka.AddHoconFile(node.HoconFile, HoconAddMode.Prepend);
    }

    var self = $"akka.tcp://{node.SystemName}@{node.Hostname}:{node.Port}";
    var seeds = node.SeedNodes.Count > 0 ? node.SeedNodes : [self];
    // After WithRemoting, which selects the "remote" provider: the cluster provider must win.
    akka.WithRemoting(node.Hostname, node.Port)
        .WithActorRefProvider(ProviderSelection.Cluster.Instance)
        .AddHocon(
            $$"""
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds.Select(s => $"\"{s}\""))}}]
            akka.cluster.roles = [{{string.Join(", ", node.Roles.Select(r => $"\"{r}\""))}}]
            akka.coordinated-shutdown.exit-clr = off
            """,
            HoconAddMode.Prepend)
        .WithMetricsAggregator()
        .WithActors((system, _) =>
        {
            for (var i = 1; i <= node.DemoWorkers; i++)
            {
                var index = i;
                system.ActorOf(Props.Create(() => new DemoWorker(index)), $"demo-{i}");
            }
        });
});

var app = builder.Build();
app.MapMetrics(node.MetricsPath);
app.Run();
