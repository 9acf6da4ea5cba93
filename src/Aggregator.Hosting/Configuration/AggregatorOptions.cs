using System.Globalization;
using System.Text;
using Aggregator.Actors.Telemetry;
using Aggregator.Metrics;

namespace Aggregator.Hosting;

/// <summary>
/// The options of <see cref="AkkaConfigurationBuilderExtensions.WithMetricsAggregator"/>; each maps to a key of the
/// <c>aggregator</c> HOCON section (the defaults are those of its reference configuration), except
/// <see cref="NameCallback"/> and <see cref="TimeProvider"/>, which reach the system in an <see cref="Actors.AggregatorSetup"/>.
/// </summary>
public sealed class AggregatorOptions
{
    /// <summary><c>aggregator.collection-timeout</c>: how long a collection waits for workers (default 2 s).</summary>
    public TimeSpan CollectionTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary><c>aggregator.workers</c>: the workers a collection asks by default (default: all).</summary>
    public IList<string> Workers { get; } = [];

    /// <summary><c>aggregator.max-series-per-family</c> (default 100,000).</summary>
    public int MaxSeriesPerFamily { get; set; } = MetricsOptions.DefaultMaxSeriesPerFamily;

    /// <summary><c>aggregator.namespace</c>: prefix of every declared name (default none).</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary><c>aggregator.default-gauge-policy</c>: the merge policy of gauges declared without one (default max).</summary>
    public GaugeMergePolicy DefaultGaugePolicy { get; set; } = GaugeMergePolicy.Max;

    /// <summary><c>aggregator.name-conflict-policy</c> (default error).</summary>
    public NameConflictPolicy NameConflictPolicy { get; set; } = NameConflictPolicy.Error;

    /// <summary><c>aggregator.name-missing-policy</c> (default error).</summary>
    public NameMissingPolicy NameMissingPolicy { get; set; } = NameMissingPolicy.Error;

    /// <summary>
    /// <c>aggregator.name-validation</c>: the metric and label names declarations accept (default legacy); utf8 for
    /// Prometheus 3's UTF-8 names, quoted or escaped per scrape by its <c>escaping=</c>.
    /// </summary>
    public NameValidation NameValidation { get; set; } = NameValidation.Legacy;

    /// <summary>
    /// <c>aggregator.telemetry</c>: actor telemetry (default off), e.g. <c>o.Telemetry = new() { Enabled = true }</c>.
    /// When enabled, <c>akka.actor.telemetry.enabled</c> is turned on too, so that live actors and mailbox depth cover
    /// every selected actor, not only metered workers.
    /// </summary>
    public TelemetrySettings Telemetry { get; set; } = new();

    /// <summary>
    /// The catalog's name callback (<see cref="MetricsOptions.NameCallback"/>): maps (type, declared name) to the exposed
    /// name. Not HOCON: it reaches the actor system through an <see cref="Actors.AggregatorSetup"/> (default none).
    /// </summary>
    public Func<MetricType, string, string>? NameCallback { get; set; }

    /// <summary>
    /// The catalog's clock (<see cref="MetricsOptions.TimeProvider"/>), through an <see cref="Actors.AggregatorSetup"/>
    /// like <see cref="NameCallback"/> (default null: the system clock).
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// The setup carrying what HOCON cannot (<see cref="NameCallback"/>, <see cref="TimeProvider"/>), or null when
    /// neither is set.
    /// </summary>
    public Actors.AggregatorSetup? ToSetup()
    {
        if (NameCallback is null && TimeProvider is null)
        {
            return null;
        }

        // Copied now: the setup must not change if these options are changed after the system was configured.
        var callback = NameCallback;
        var clock = TimeProvider;
        return new Actors.AggregatorSetup(metrics => metrics with
        {
            NameCallback = callback ?? metrics.NameCallback,
            TimeProvider = clock ?? metrics.TimeProvider,
        });
    }

    /// <summary>The options as an <c>aggregator</c> HOCON section.</summary>
    public string ToHocon()
    {
        var hocon = new StringBuilder("aggregator {\n");
        hocon.Append(CultureInfo.InvariantCulture, $"  collection-timeout = {(long)CollectionTimeout.TotalMilliseconds}ms\n");
        hocon.Append(CultureInfo.InvariantCulture, $"  workers = [{string.Join(", ", Workers.Select(Quote))}]\n");
        hocon.Append(CultureInfo.InvariantCulture, $"  max-series-per-family = {MaxSeriesPerFamily}\n");
        hocon.Append(CultureInfo.InvariantCulture, $"  namespace = {Quote(Namespace)}\n");
        hocon.Append(CultureInfo.InvariantCulture, $"  default-gauge-policy = {DefaultGaugePolicy.ToString().ToLowerInvariant()}\n");
        hocon.Append(CultureInfo.InvariantCulture, $"  name-conflict-policy = {NameConflictPolicy.ToString().ToLowerInvariant()}\n");
        hocon.Append(CultureInfo.InvariantCulture, $"  name-missing-policy = {NameMissingPolicy.ToString().ToLowerInvariant()}\n");
        hocon.Append(CultureInfo.InvariantCulture, $"  name-validation = {NameValidation.ToString().ToLowerInvariant()}\n");
        var telemetry = Telemetry ?? new TelemetrySettings();
        var messageTypes = telemetry.MessageTypes switch
        {
            MessageTypeMode.On => "on",
            MessageTypeMode.Off => "off",
            _ => $"[{string.Join(", ", telemetry.MessageTypeAllowlist.Select(Quote))}]",
        };
        hocon.Append("  telemetry {\n");
        hocon.Append(CultureInfo.InvariantCulture, $"    enabled = {(telemetry.Enabled ? "on" : "off")}\n");
        hocon.Append(CultureInfo.InvariantCulture, $"    actors = [{string.Join(", ", telemetry.Actors.Select(Quote))}]\n");
        hocon.Append(CultureInfo.InvariantCulture, $"    group-by = {(telemetry.GroupBy == TelemetryGroupBy.Type ? "type" : "path-pattern")}\n");
        hocon.Append(CultureInfo.InvariantCulture, $"    message-types = {messageTypes}\n");
        hocon.Append(CultureInfo.InvariantCulture, $"    max-message-types = {telemetry.MaxMessageTypes}\n");
        hocon.Append(CultureInfo.InvariantCulture, $"    timing-interval = {(telemetry.TimingInterval == 0 ? "adaptive" : telemetry.TimingInterval.ToString(CultureInfo.InvariantCulture))}\n");
        hocon.Append("  }\n");
        hocon.Append("}\n");
        if (telemetry.Enabled)
        {
            hocon.Append("akka.actor.telemetry.enabled = on\n");
        }

        return hocon.ToString();
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
