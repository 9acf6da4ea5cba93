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
}
