using Akka.Configuration;

namespace Aggregator.Actors.Telemetry;

/// <summary>
/// Actor telemetry (<c>aggregator.telemetry</c>): per actor type, the messages metered actors process, how long they
/// take, unhandled messages and restarts, recorded in each worker's own registry; per node, live actors, mailbox depth,
/// dead letters and unhandled messages. Off by default, and then it costs one null check per message. Immutable.
/// </summary>
public sealed record TelemetrySettings
{
    /// <summary>The default bound of distinct <c>message_type</c> values per actor type and node.</summary>
    public const int DefaultMaxMessageTypes = 50;

    /// <summary><c>enabled</c>: whether actor telemetry runs (default false).</summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// <c>actors</c>: the actors telemetry covers: path patterns (starting with <c>/</c>, matched against the path without
    /// address) or class-name patterns (matched against <c>Type.Name</c>); <c>*</c> any run of characters, <c>?</c>
    /// one. Empty (the default): every actor.
    /// </summary>
    public IReadOnlyList<string> Actors { get; init; } = [];

    /// <summary><c>group-by</c>: what <c>actor_type</c> holds (default <see cref="TelemetryGroupBy.Type"/>).</summary>
    public TelemetryGroupBy GroupBy { get; init; } = TelemetryGroupBy.Type;

    /// <summary><c>message-types</c>: on, off, or a list of class names (default on).</summary>
    public MessageTypeMode MessageTypes { get; init; } = MessageTypeMode.On;

    /// <summary>The class names of <see cref="MessageTypeMode.Allowlist"/> (<c>message-types = [A, B]</c>).</summary>
    public IReadOnlyList<string> MessageTypeAllowlist { get; init; } = [];

    /// <summary>
    /// <c>max-message-types</c>: distinct <c>message_type</c> values per actor type on one node (default 50); further
    /// classes are counted as <c>message_type="other"</c> and in <c>aggregator_telemetry_overflow_messages_total</c>.
    /// </summary>
    public int MaxMessageTypes { get; init; } = DefaultMaxMessageTypes;

    /// <summary>Reads a <c>telemetry</c> section (missing keys take the reference defaults).</summary>
    /// <exception cref="ConfigurationException">A key has a value outside its documented set.</exception>
    public static TelemetrySettings Create(Config telemetrySection)
    {
        ArgumentNullException.ThrowIfNull(telemetrySection);
        var config = telemetrySection.WithFallback(AggregatorSettings.DefaultConfig().GetConfig("aggregator.telemetry"));
        var max = config.GetInt("max-message-types");
        if (max <= 0)
        {
            throw new ConfigurationException($"aggregator.telemetry.max-message-types must be positive, not {max}.");
        }

        var groupBy = config.GetString("group-by");
        var settings = new TelemetrySettings
        {
            Enabled = config.GetBoolean("enabled"),
            Actors = [.. config.GetStringList("actors").Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim())],
            GroupBy = groupBy switch
            {
                "type" => TelemetryGroupBy.Type,
                "path-pattern" => TelemetryGroupBy.PathPattern,
                _ => throw new ConfigurationException($"aggregator.telemetry.group-by = '{groupBy}' is not one of: type, path-pattern."),
            },
            MaxMessageTypes = max,
        };

        var messageTypes = config.GetValue("message-types");
        if (messageTypes is not null && messageTypes.IsArray())
        {
            return settings with { MessageTypes = MessageTypeMode.Allowlist, MessageTypeAllowlist = [.. messageTypes.GetStringList()] };
        }

        var text = messageTypes?.GetString();
        return text switch
        {
            "on" or "true" or "yes" => settings with { MessageTypes = MessageTypeMode.On },
            "off" or "false" or "no" => settings with { MessageTypes = MessageTypeMode.Off },
            _ => throw new ConfigurationException($"aggregator.telemetry.message-types = '{text}' is not on, off or a list of class names."),
        };
    }
}
