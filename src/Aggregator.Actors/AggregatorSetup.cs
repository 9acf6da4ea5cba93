using Akka.Actor.Setup;
using Aggregator.Metrics;

namespace Aggregator.Actors;

/// <summary>
/// Programmatic settings of Aggregator for one actor system, for what HOCON cannot hold: the catalog's name callback and
/// clock, or any other <see cref="MetricsOptions"/> policy set in code. Pass it when the system is created,
/// <c>ActorSystem.Create(name, BootstrapSetup.Create().And(new AggregatorSetup(...)))</c>, or with Akka.Hosting's
/// <c>WithMetricsAggregator</c>, which adds one for you.
/// </summary>
public sealed class AggregatorSetup : Setup
{
    private readonly Func<MetricsOptions, MetricsOptions> _metrics;

    /// <summary>
    /// Creates a setup whose <paramref name="metrics"/> receives the catalog policies read from the <c>aggregator</c>
    /// HOCON section and returns those the catalog uses, e.g. <c>m =&gt; m with { NameCallback = ... }</c>.
    /// </summary>
    public AggregatorSetup(Func<MetricsOptions, MetricsOptions> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
    }

    /// <summary>The catalog policies for this system, given those read from HOCON.</summary>
    /// <exception cref="InvalidOperationException">The setup's function returned null.</exception>
    public MetricsOptions Apply(MetricsOptions fromConfig)
    {
        ArgumentNullException.ThrowIfNull(fromConfig);
        return _metrics(fromConfig)
            ?? throw new InvalidOperationException($"The {nameof(AggregatorSetup)}'s metrics function returned null instead of the catalog's {nameof(MetricsOptions)}.");
    }
}
