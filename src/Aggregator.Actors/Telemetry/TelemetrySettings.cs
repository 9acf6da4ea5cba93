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
    /// one. Empty (the default): every actor but Akka's and Aggregator's own (classes of the <c>Akka</c> and <c>Akka.*</c>
    /// assemblies and of Aggregator's own).
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

    /// <summary>
    /// <c>timing-interval</c>: which messages are timed for <c>akka_actor_processing_seconds</c>. 0 (<c>adaptive</c>, the
    /// default): every message of an actor that receives fewer than about 100 a second; for a busier actor the interval
    /// doubles while timed messages come less than 100 µs apart and halves when they come more than 10 ms apart, so that
    /// it times 100 to 10,000 messages a second. N: every Nth message (1: all). Every message is counted in
    /// <c>akka_actor_messages_total</c> either way; the histogram's <c>_count</c> is the number of timed messages.
    /// </summary>
    public int TimingInterval { get; init; }

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
            TimingInterval = TimingIntervalOf(config.GetString("timing-interval")),
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

    private static int TimingIntervalOf(string? text) =>
        text == "adaptive" ? 0
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new ConfigurationException($"aggregator.telemetry.timing-interval = '{text}' is not adaptive or a positive number of messages.");
}
