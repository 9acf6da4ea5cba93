using Akka.Hosting;
using Aggregator.Actors;
using Aggregator.Cluster;
using Aggregator.Hosting.Http;

namespace Aggregator.Hosting;

/// <summary>Adds Aggregator to an actor system configured through Akka.Hosting.</summary>
public static class AkkaConfigurationBuilderExtensions
{
    /// <summary>
    /// Configures the <c>aggregator</c> section from <paramref name="configure"/> (and an <see cref="AggregatorSetup"/> for
    /// the options HOCON cannot hold), binds Aggregator's serializer, and
    /// starts Aggregator with the actor system: the node collector, and on a cluster member the cluster collector too.
    /// </summary>
    public static AkkaConfigurationBuilder WithMetricsAggregator(this AkkaConfigurationBuilder builder, Action<AggregatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AggregatorOptions();
        configure?.Invoke(options);
        if (options.ToSetup() is { } setup)
        {
            builder.AddSetup(setup);
        }

        return builder
            .AddHocon(options.ToHocon(), HoconAddMode.Prepend)
            .AddHocon(AggregatorClusterSettings.DefaultConfig(), HoconAddMode.Append)
            .AddStartup((system, _) =>
            {
                // Every member runs the cluster collector: any of them can serve the cluster-wide endpoint.
                if (ScrapeSources.IsClusterMember(system))
                {
                    AggregatorClusterExtension.Get(system);
                }
                else
                {
                    AggregatorExtension.Get(system);
                }
            });
    }
}
