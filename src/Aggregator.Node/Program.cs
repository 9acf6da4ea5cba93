using Akka.Actor;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Aggregator.Hosting;
using Aggregator.Node;

if (args is ["hash-password", ..])
{
    // Prints a hash for Node:BasicAuth:Users, reading the password from the argument or, safer, from standard input.
    Console.WriteLine(PasswordHash.Create(args.Length > 1 ? args[1] : Console.In.ReadLine() ?? string.Empty));
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var node = NodeOptions.Load(builder.Configuration);
var url = new Uri(node.HttpUrl);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    void Secure(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
    {
        if (node.Tls is { } tls)
        {
            listen.UseHttps(TlsSetup.Create(tls));
        }
    }

    if (System.Net.IPAddress.TryParse(url.Host, out var address))
    {
        kestrel.Listen(address, url.Port, Secure);
    }
    else if (url.IsLoopback)
    {
        kestrel.ListenLocalhost(url.Port, Secure);
    }
    else
    {
        kestrel.ListenAnyIP(url.Port, Secure);
    }
});

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
            DowningExit.Register(system, Akka.Cluster.Cluster.Get(system).SelfAddress);
            for (var i = 1; i <= node.DemoWorkers; i++)
            {
                var index = i;
                var pauseFile = node.DemoPauseFile;
                system.ActorOf(Props.Create(() => new DemoWorker(index, pauseFile)), $"demo-{i}");
            }

            for (var i = 1; i <= node.LoadWorkers; i++)
            {
                var series = node.LoadSeries;
                system.ActorOf(Props.Create(() => new LoadWorker(series)), $"load-{i}");
            }
        });

    if (node.Hocon is { } hocon)
    {
        // Above the defaults, below what the options above set.
        akka.AddHocon(hocon, HoconAddMode.Prepend);
    }
});

var app = builder.Build();
app.MapMetrics(node.MetricsPath, security: new MetricsSecurityOptions { BasicAuthUsers = node.BasicAuthUsers });
app.Run();
