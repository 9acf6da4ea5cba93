using Akka.Actor;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Aggregator.Hosting;
using Aggregator.Node;

// sysexits.h's EX_CONFIG: the node refused its configuration (the message on standard error says which setting).
const int ConfigurationErrorExitCode = 78;

if (args is ["hash-password", ..])
{
    // Prints a bcrypt hash for basic_auth_users (or Node:BasicAuth:Users), reading the password from the argument or,
    // safer, from standard input; "hash-password --pbkdf2" prints the PBKDF2 scheme instead.
    var pbkdf2 = args.Contains("--pbkdf2");
    var rest = args.Skip(1).Where(a => a != "--pbkdf2").ToArray();
    var password = rest.Length > 0 ? rest[0] : Console.In.ReadLine() ?? string.Empty;
    Console.WriteLine(pbkdf2 ? PasswordHash.CreatePbkdf2(password) : PasswordHash.Create(password));
    return 0;
}

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
NodeOptions node;
WebConfig web;
try
{
    node = NodeOptions.Load(builder.Configuration);
    web = node.ResolveWebConfig();
    web.Security.Validate();
    if (web.Tls is { } tls)
    {
        // Loaded here once too, so that a missing or wrong certificate is a configuration error rather than a crash in Kestrel's start.
        TlsSetup.Create(tls);
    }
}
catch (Exception error) when (error is WebConfigException or ArgumentException or FormatException or InvalidOperationException or IOException)
{
    // A wrong setting is the operator's to fix: say which, and exit with EX_CONFIG rather than a crash dump.
    Console.Error.WriteLine($"Configuration error: {error.Message}");
    return ConfigurationErrorExitCode;
}

var url = new Uri(node.HttpUrl);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    void Secure(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen) =>
        listen.UseWebConfig(web, kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Aggregator.Node.Tls"));

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
                var (series, change) = (node.LoadSeries, node.LoadChangePercent);
                system.ActorOf(Props.Create(() => new LoadWorker(series, change)), $"load-{i}");
            }
        });

    if (node.Hocon is { } hocon)
    {
        // Above the defaults, below what the options above set.
        akka.AddHocon(hocon, HoconAddMode.Prepend);
    }
});

var app = builder.Build();
app.MapMetrics(node.MetricsPath, security: web.Security);
app.Run();

// Whatever the shutdown set: 255 after the cluster downed this node (see DowningExit), 0 after SIGTERM.
return Environment.ExitCode;
