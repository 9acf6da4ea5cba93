namespace Aggregator.Hosting;

/// <summary>How the status page (<c>MapMetricsStatus</c>) looks: its path, refresh and list sizes.</summary>
public sealed record StatusPageOptions
{
    /// <summary>The page's path (default /status); the JSON document is served at the same path with <c>.json</c> appended.</summary>
    public string Path { get; init; } = "/status";

    /// <summary>How often the page reloads itself, by a small inline script (default 10 s); zero: never.</summary>
    public TimeSpan AutoRefresh { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many families the cardinality table lists, the largest first (default 20).</summary>
    public int TopFamilies { get; init; } = 20;

    /// <summary>Lists longer than this (a node's workers, a family's sources) start collapsed (default 20).</summary>
    public int CollapseAbove { get; init; } = 20;
}
