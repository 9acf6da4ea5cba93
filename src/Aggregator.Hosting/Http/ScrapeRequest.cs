using Aggregator.Metrics;

namespace Aggregator.Hosting.Http;

/// <summary>What one scrape asks for: the selection from its query string and the time it may take.</summary>
/// <param name="Workers">Worker patterns (<c>worker</c> query parameters); empty for the configured selection.</param>
/// <param name="Nodes">Node address patterns (<c>node</c>); empty for the configured selection.</param>
/// <param name="Roles">Node roles (<c>role</c>); empty for the configured selection.</param>
/// <param name="LocalOnly">True for <c>scope=node</c>: this node only, even in a cluster.</param>
/// <param name="Timeout">The collection timeout for this scrape.</param>
/// <param name="Families">The families asked for (<c>name[]</c> query parameters); null or empty for every family.</param>
public sealed record ScrapeRequest(IReadOnlyList<string> Workers, IReadOnlyList<string> Nodes, IReadOnlyList<string> Roles, bool LocalOnly, TimeSpan Timeout, FamilyFilter? Families = null);
