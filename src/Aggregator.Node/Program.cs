using Akka.Actor;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Aggregator.Hosting;
using Aggregator.Node;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var node = NodeOptions.Load(builder.Configuration);
builder.WebHost.UseUrls(node.HttpUrl);

builder.Services.AddAkka(node.SystemName, akka =>
{
    var self = $"akka.tcp://{node.SystemName}@{node.Hostname}:{node.Port}";
    var seeds = node.SeedNodes.Count > 0 ? node.SeedNodes : [self];

    // WithRemoting selects the "remote" provider; the cluster provider set after it wins.
    akka.WithRemoting(node.Hostname, node.Port)
        .WithActorRefProvider(ProviderSelection.Cluster.Instance)
        .AddHocon(
            $$"""
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds.Select(s => $"\"{s}\""))}}]
            akka.cluster.roles = [{{string.Join(", ", node.Roles.Select(r => $"\"{r}\""))}}]
            """,
            HoconAddMode.Prepend)
        .AddHocon(NodeDefaults.Hocon, HoconAddMode.Append)
        .WithMetricsAggregator()
        .WithActors((system, _) =>
        {
            for (var i = 1; i <= node.DemoWorkers; i++)
            {
                var index = i;
                system.ActorOf(Props.Create(() => new DemoWorker(index)), $"demo-{i}");
            }
        });

    if (node.Hocon is { } hocon)
    {
        // Above the defaults, below what the options above set.
        akka.AddHocon(hocon, HoconAddMode.Prepend);
    }
});

var app = builder.Build();
app.MapMetrics(node.MetricsPath);
app.Run();
