using System.Globalization;
using Akka.Configuration;
using Aggregator.Hosting;

namespace Aggregator.Node;

/// <summary>
/// The node's settings. Each comes, from lowest to highest precedence, from: its default here; the
/// <c>aggregator.node</c> section of the HOCON file named by <c>Node:HoconFile</c> (see cluster-config/); then
/// ASP.NET Core configuration's "Node" section: appsettings.json, environment variables (<c>Node__Port=4054</c>),
/// command-line arguments (<c>--Node:Port=4054</c>). Lists take a comma-separated value or indexed keys.
/// </summary>
public sealed class NodeOptions
{
    /// <summary>The actor system's name; every node of a cluster must use the same (default "aggregator"; HOCON <c>system-name</c>).</summary>
    public string SystemName { get; set; } = "aggregator";

    /// <summary>The host Akka.Remote binds and advertises (default 127.0.0.1; HOCON <c>hostname</c>).</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>The Akka.Remote port (default 4053; HOCON <c>port</c>).</summary>
    public int Port { get; set; } = 4053;

    /// <summary>Seed node addresses; none: the node seeds itself, a single-node cluster (HOCON <c>seed-nodes</c>).</summary>
    public IReadOnlyList<string> SeedNodes { get; set; } = [];

    /// <summary>Cluster roles of this node (HOCON <c>roles</c>).</summary>
    public IReadOnlyList<string> Roles { get; set; } = [];

    /// <summary>Where the metrics endpoint listens (default http://127.0.0.1:1347; HOCON <c>http-url</c>).</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:1347";

    /// <summary>The metrics path (default /metrics; HOCON <c>metrics-path</c>).</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>How many demo workers to start (default 4; 0 for none; HOCON <c>demo-workers</c>).</summary>
    public int DemoWorkers { get; set; } = 4;

    /// <summary>
    /// A file whose existence pauses the demo workers: while it exists they skip their per-tick updates, so every
    /// counter stays where it is (default none; HOCON <c>demo-pause-file</c>). Create it to freeze the totals, for
    /// example to compare what two nodes answer; delete it to resume.
    /// </summary>
    public string? DemoPauseFile { get; set; }

    /// <summary>How many load workers to start, for scrape benchmarks (default 0; HOCON <c>load-workers</c>).</summary>
    public int LoadWorkers { get; set; }

    /// <summary>Series per load worker (default 10,000; HOCON <c>load-series</c>).</summary>
    public int LoadSeries { get; set; } = 10_000;

    /// <summary>
    /// The share of its series, in percent, a load worker increments before it answers each collection, so that that
    /// many change between two scrapes (default 0; HOCON <c>load-change-percent</c>).
    /// </summary>
    public double LoadChangePercent { get; set; }

    /// <summary>
    /// HTTPS for the endpoint: <c>Node:Tls:CertificatePath</c> and <c>Node:Tls:KeyPath</c> (PEM), and
    /// <c>Node:Tls:ClientCaPath</c> to require client certificates (HOCON <c>tls { certificate-path, key-path,
    /// client-ca-path }</c>). Null: plain HTTP.
    /// </summary>
    public TlsOptions? Tls { get; set; }

    /// <summary>
    /// Basic-auth users and their password hashes (<c>Node:BasicAuth:Users:NAME=HASH</c>; HOCON
    /// <c>basic-auth-users { NAME = HASH }</c>). Make a hash with <c>dotnet Aggregator.Node.dll hash-password</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> BasicAuthUsers { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// The exporter toolkit's web config file, as node_exporter's <c>--web.config.file</c>: TLS, basic-auth users
    /// with bcrypt hashes, response headers and rate limit (<c>Node:WebConfigFile</c>; HOCON <c>web-config-file</c>).
    /// When set, <see cref="Tls"/> and <see cref="BasicAuthUsers"/> must not be.
    /// </summary>
    public string? WebConfigFile { get; set; }

    /// <summary>
    /// Limits on password verification per client address (<c>Node:PasswordAttempts:Burst</c>, <c>…:Period</c>
    /// (a TimeSpan, 00:00:01), <c>…:RefusalDelay</c>, <c>…:ConcurrentVerifications</c>, <c>…:VerifiedCacheSize</c>);
    /// the defaults of <see cref="PasswordAttemptLimit"/>.
    /// </summary>
    public PasswordAttemptLimit PasswordAttempts { get; set; } = new();

    /// <summary>The web config in force: from <see cref="WebConfigFile"/>, or from <see cref="Tls"/> and <see cref="BasicAuthUsers"/>.</summary>
    /// <exception cref="WebConfigException">The file is wrong or combined with <c>Node:Tls</c> or <c>Node:BasicAuth</c>.</exception>
    public WebConfig ResolveWebConfig() =>
        WebConfig.Resolve(WebConfigFile, Tls, new MetricsSecurityOptions { BasicAuthUsers = BasicAuthUsers, PasswordAttempts = PasswordAttempts });

    /// <summary>The HOCON file, whose other sections (akka.*, aggregator.*) configure the actor system too.</summary>
    public Config? Hocon { get; private set; }

    /// <summary>Reads the options from the HOCON file (if any) and then the "Node" configuration section.</summary>
    public static NodeOptions Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new NodeOptions();
        var section = configuration.GetSection("Node");
        if (section["HoconFile"] is { Length: > 0 } file)
        {
            options.Hocon = ConfigurationFactory.ParseString(File.ReadAllText(file));
            if (options.Hocon.HasPath("aggregator.node"))
            {
                options.ApplyHocon(options.Hocon.GetConfig("aggregator.node"));
            }
        }

        options.ApplyConfiguration(section);
        return options;
    }

    private static IReadOnlyList<string> List(IConfigurationSection section) =>
        section.Value is { } value
            ? [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : [.. section.GetChildren().Select(c => c.Value).OfType<string>()];

    private void ApplyHocon(Config hocon)
    {
        SystemName = hocon.GetString("system-name", SystemName);
        Hostname = hocon.GetString("hostname", Hostname);
        Port = hocon.GetInt("port", Port);
        SeedNodes = hocon.HasPath("seed-nodes") ? [.. hocon.GetStringList("seed-nodes")] : SeedNodes;
        Roles = hocon.HasPath("roles") ? [.. hocon.GetStringList("roles")] : Roles;
        HttpUrl = hocon.GetString("http-url", HttpUrl);
        MetricsPath = hocon.GetString("metrics-path", MetricsPath);
        DemoWorkers = hocon.GetInt("demo-workers", DemoWorkers);
        DemoPauseFile = hocon.GetString("demo-pause-file", DemoPauseFile);
        LoadWorkers = hocon.GetInt("load-workers", LoadWorkers);
        LoadSeries = hocon.GetInt("load-series", LoadSeries);
        LoadChangePercent = hocon.GetDouble("load-change-percent", LoadChangePercent);
        if (hocon.HasPath("tls.certificate-path"))
        {
            Tls = new TlsOptions
            {
                CertificatePath = hocon.GetString("tls.certificate-path"),
                KeyPath = hocon.GetString("tls.key-path"),
                ClientCaPath = hocon.GetString("tls.client-ca-path", null),
            };
        }

        WebConfigFile = hocon.GetString("web-config-file", WebConfigFile);
        if (hocon.HasPath("basic-auth-users"))
        {
            BasicAuthUsers = hocon.GetConfig("basic-auth-users").AsEnumerable().ToDictionary(e => e.Key, e => e.Value.GetString(), StringComparer.Ordinal);
        }
    }

    private void ApplyConfiguration(IConfigurationSection section)
    {
        SystemName = section["SystemName"] ?? SystemName;
        Hostname = section["Hostname"] ?? Hostname;
        Port = section["Port"] is { } port ? int.Parse(port, CultureInfo.InvariantCulture) : Port;
        SeedNodes = section.GetSection("SeedNodes").Exists() ? List(section.GetSection("SeedNodes")) : SeedNodes;
        Roles = section.GetSection("Roles").Exists() ? List(section.GetSection("Roles")) : Roles;
        HttpUrl = section["HttpUrl"] ?? HttpUrl;
        MetricsPath = section["MetricsPath"] ?? MetricsPath;
        DemoWorkers = section["DemoWorkers"] is { } workers ? int.Parse(workers, CultureInfo.InvariantCulture) : DemoWorkers;
        DemoPauseFile = section["DemoPauseFile"] is { Length: > 0 } pauseFile ? pauseFile : DemoPauseFile;
        LoadWorkers = section["LoadWorkers"] is { } loadWorkers ? int.Parse(loadWorkers, CultureInfo.InvariantCulture) : LoadWorkers;
        LoadSeries = section["LoadSeries"] is { } loadSeries ? int.Parse(loadSeries, CultureInfo.InvariantCulture) : LoadSeries;
        LoadChangePercent = section["LoadChangePercent"] is { } change ? double.Parse(change, CultureInfo.InvariantCulture) : LoadChangePercent;
        if (section["Tls:CertificatePath"] is { } certificate)
        {
            Tls = new TlsOptions
            {
                CertificatePath = certificate,
                KeyPath = section["Tls:KeyPath"] ?? throw new InvalidOperationException("Node:Tls:CertificatePath is set but Node:Tls:KeyPath is not."),
                ClientCaPath = section["Tls:ClientCaPath"],
            };
        }

        WebConfigFile = section["WebConfigFile"] is { Length: > 0 } webConfig ? webConfig : WebConfigFile;
        var attempts = section.GetSection("PasswordAttempts");
        PasswordAttempts = PasswordAttempts with
        {
            Burst = attempts["Burst"] is { } burst ? int.Parse(burst, CultureInfo.InvariantCulture) : PasswordAttempts.Burst,
            Period = attempts["Period"] is { } period ? TimeSpan.Parse(period, CultureInfo.InvariantCulture) : PasswordAttempts.Period,
            RefusalDelay = attempts["RefusalDelay"] is { } delay ? TimeSpan.Parse(delay, CultureInfo.InvariantCulture) : PasswordAttempts.RefusalDelay,
            ConcurrentVerifications = attempts["ConcurrentVerifications"] is { } concurrent ? int.Parse(concurrent, CultureInfo.InvariantCulture) : PasswordAttempts.ConcurrentVerifications,
            VerifiedCacheSize = attempts["VerifiedCacheSize"] is { } cache ? int.Parse(cache, CultureInfo.InvariantCulture) : PasswordAttempts.VerifiedCacheSize,
        };
        var users = section.GetSection("BasicAuth:Users");
        if (users.Exists())
        {
            BasicAuthUsers = users.GetChildren().ToDictionary(u => u.Key, u => u.Value ?? string.Empty, StringComparer.Ordinal);
        }
    }
}
