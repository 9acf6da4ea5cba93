using Akka.Hosting;
using Aggregator.Actors;

namespace Aggregator.Hosting;

/// <summary>Adds Aggregator to an actor system configured through Akka.Hosting.</summary>
public static class AkkaConfigurationBuilderExtensions
{
    /// <summary>
    /// Configures the <c>aggregator</c> section from <paramref name="configure"/> and starts the extension (catalog,
    /// shared registry, node collector) with the actor system.
    /// </summary>
    public static AkkaConfigurationBuilder WithMetricsAggregator(this AkkaConfigurationBuilder builder, Action<AggregatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AggregatorOptions();
        configure?.Invoke(options);
        return builder
            .AddHocon(options.ToHocon(), HoconAddMode.Prepend)
            .WithExtension<AggregatorExtensionProvider>();
    }
}
