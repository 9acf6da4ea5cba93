using Akka.Actor;
using Aggregator.Hosting.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Hosting;

/// <summary>Maps the metrics endpoint onto an ASP.NET Core app's own pipeline.</summary>
public static class EndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the merged exposition at <paramref name="path"/> (GET and HEAD; other methods get 405). The actor system
    /// comes from the app's services (Akka.Hosting registers it); <paramref name="source"/> defaults to the whole
    /// cluster when the actor system is a cluster member, to this node otherwise.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="path">The path (default /metrics).</param>
    /// <param name="source">What to serve; the cluster or this node by default.</param>
    /// <param name="security">Basic-auth users with hashed passwords, limits and response headers; none by default.</param>
    public static IEndpointConventionBuilder MapMetrics(
        this IEndpointRouteBuilder endpoints,
        string path = "/metrics",
        IScrapeSource? source = null,
        MetricsSecurityOptions? security = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        source ??= ScrapeSources.Default(endpoints.ServiceProvider.GetRequiredService<ActorSystem>());
        var endpoint = new MetricsEndpoint(source, security);
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(endpoint.Dispose);
        return endpoints.Map(path, endpoint.HandleAsync).WithDisplayName("Aggregator metrics");
    }

    /// <summary>
    /// Serves the status page at <paramref name="options"/>' path (default /status) and its JSON document at that path
    /// with <c>.json</c> appended: sources up or down with their answer times, collection durations, cardinality,
    /// merge conflicts and the settings in force. Give it the same <paramref name="security"/> as <c>MapMetrics</c>.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="source">What the page collects; the cluster or this node by default, as for <c>MapMetrics</c>.</param>
    /// <param name="security">Basic-auth users, limits and response headers; none by default.</param>
    /// <param name="options">Path, refresh and list sizes.</param>
    public static IEndpointConventionBuilder MapMetricsStatus(
        this IEndpointRouteBuilder endpoints,
        IScrapeSource? source = null,
        MetricsSecurityOptions? security = null,
        StatusPageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        options ??= new StatusPageOptions();
        var system = endpoints.ServiceProvider.GetRequiredService<ActorSystem>();
        var endpoint = new StatusEndpoint(system, source ?? ScrapeSources.Default(system), security, options);
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(endpoint.Dispose);
        endpoints.Map(StatusEndpoint.JsonPath(options.Path), endpoint.HandleJsonAsync).WithDisplayName("Aggregator status (JSON)");
        return endpoints.Map(options.Path, endpoint.HandleHtmlAsync).WithDisplayName("Aggregator status");
    }

    /// <summary>Serves the status page at <paramref name="path"/> and its JSON at <paramref name="path"/>.json; see the overload with options.</summary>
    public static IEndpointConventionBuilder MapMetricsStatus(this IEndpointRouteBuilder endpoints, string path, MetricsSecurityOptions? security = null) =>
        endpoints.MapMetricsStatus(security: security, options: new StatusPageOptions { Path = path });
}
