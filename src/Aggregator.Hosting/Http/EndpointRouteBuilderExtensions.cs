using Akka.Actor;
using Aggregator.Hosting.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Hosting;

/// <summary>Maps the metrics endpoint onto an ASP.NET Core app's own pipeline.</summary>
public static class EndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the merged exposition at <paramref name="path"/> (GET and HEAD; other methods get 405). The actor system
    /// comes from the app's services (Akka.Hosting registers it); <paramref name="source"/> defaults to the whole
    /// cluster when the actor system is a cluster member, to this node otherwise.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics", IScrapeSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        source ??= ScrapeSources.Default(endpoints.ServiceProvider.GetRequiredService<ActorSystem>());
        var endpoint = new MetricsEndpoint(source);
        return endpoints.Map(path, endpoint.HandleAsync).WithDisplayName("Aggregator metrics");
    }
}
