namespace Aggregator.Actors.Telemetry;

/// <summary>How actor telemetry fills the <c>message_type</c> label (<c>aggregator.telemetry.message-types</c>).</summary>
public enum MessageTypeMode
{
    /// <summary>Every message class is its own value (its <c>Type.Name</c>), up to the bound; the rest are "other".</summary>
    On,

    /// <summary>One series per actor type: <c>message_type=""</c>.</summary>
    Off,

    /// <summary>Only the classes named in <see cref="TelemetrySettings.MessageTypeAllowlist"/> get their own value; the rest are "other".</summary>
    Allowlist,
}
