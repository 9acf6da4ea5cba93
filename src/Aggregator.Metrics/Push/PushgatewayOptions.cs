namespace Aggregator.Metrics.Push;

/// <summary>Where and how <see cref="PushgatewayClient"/> pushes.</summary>
public sealed record PushgatewayOptions
{
    /// <summary>The default Pushgateway port, used when <see cref="Gateway"/> names none.</summary>
    public const int DefaultPort = 9091;

    /// <summary>
    /// The gateway: <c>host</c>, <c>host:port</c>, <c>http://host:port</c> or <c>https://host:port</c>
    /// (scheme http and port 9091 when left out).
    /// </summary>
    public required string Gateway { get; init; }

    /// <summary>The <c>job</c> grouping label (required, not empty).</summary>
    public required string Job { get; init; }

    /// <summary>More grouping labels (e.g. instance); values may hold anything, including "/" and the empty string.</summary>
    public IReadOnlyDictionary<string, string> GroupingKey { get; init; } = new Dictionary<string, string>();

    /// <summary>How long one request may take (default 10 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The handler requests go through: one from <see cref="PushgatewayHandlers"/> (basic auth, TLS client certificate)
    /// or any custom one; null for a plain <see cref="System.Net.Http.SocketsHttpHandler"/>.
    /// </summary>
    public HttpMessageHandler? Handler { get; init; }
}
