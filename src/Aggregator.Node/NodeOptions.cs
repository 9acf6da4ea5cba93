namespace Aggregator.Node;

/// <summary>
/// The node's settings, bound from the "Node" configuration section: appsettings.json, environment variables
/// (<c>Node__Port=4054</c>) or arguments (<c>--Node:Port=4054</c>), in ASP.NET Core's usual precedence.
/// </summary>
public sealed class NodeOptions
{
    /// <summary>The actor system's name; every node of a cluster must use the same (default "aggregator").</summary>
    public string SystemName { get; set; } = "aggregator";

    /// <summary>The host Akka.Remote binds and advertises (default 127.0.0.1).</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>The Akka.Remote port (default 4053).</summary>
    public int Port { get; set; } = 4053;

    /// <summary>Seed node addresses (<c>akka.tcp://aggregator@127.0.0.1:4053</c>); none: the node seeds itself, a single-node cluster.</summary>
    public IList<string> SeedNodes { get; } = [];

    /// <summary>Cluster roles of this node.</summary>
    public IList<string> Roles { get; } = [];

    /// <summary>Where the metrics endpoint listens (default http://127.0.0.1:1347).</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:1347";

    /// <summary>The metrics path (default /metrics).</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>How many demo workers to start (default 4; 0 for none).</summary>
    public int DemoWorkers { get; set; } = 4;

    /// <summary>A HOCON file (e.g. cluster-config/node1.hocon) read before everything else; optional.</summary>
    public string? HoconFile { get; set; }
}
