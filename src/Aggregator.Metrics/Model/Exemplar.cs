using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Aggregator.Metrics;

/// <summary>
/// An exemplar to record with a counter increment or a histogram observation: a small label set (usually a trace and
/// span id) that links the sample to a trace, and an optional timestamp. The recorded value is the increment or the
/// observed value. <c>default</c> is the empty exemplar, which records nothing beside the value.
/// </summary>
/// <remarks>
/// A trace exemplar keeps the <see cref="ActivityTraceId"/> and <see cref="ActivitySpanId"/> as they are (each holds
/// its hex string already), so recording one copies two references and formats nothing. A label exemplar is checked
/// when it is created, but its problem (bad label name, more than <see cref="MaxLabelCharacters"/> characters) is
/// thrown by the update that records it, after the value is recorded: a bad exemplar never loses a sample.
/// </remarks>
public readonly struct Exemplar
{
    /// <summary>The most characters (Unicode code points) an exemplar's label names and values may total (OpenMetrics 1.0).</summary>
    public const int MaxLabelCharacters = 128;

    /// <summary>The label name of a trace exemplar's trace id.</summary>
    public const string TraceIdLabel = "trace_id";

    /// <summary>The label name of a trace exemplar's span id.</summary>
    public const string SpanIdLabel = "span_id";

    /// <summary>The kind of a trace exemplar (0 is the empty exemplar).</summary>
    internal const byte KindTrace = 1;

    /// <summary>The kind of a label exemplar.</summary>
    internal const byte KindLabels = 2;

    private readonly ActivityTraceId _traceId;
    private readonly ActivitySpanId _spanId;

    // A label exemplar's labels and problem, in one object: each reference a cell stores pays a write barrier, so a label
    // exemplar's cell stores one and a trace exemplar's two (the ids' hex strings).
    private readonly LabelSet? _set;
    private readonly long _timestampMs;
    private readonly byte _kind;
    private readonly bool _timed;

    /// <summary>A label exemplar, such as <c>{user_id="42"}</c>.</summary>
    /// <param name="labels">Its labels (copied): valid label names, unique, at most <see cref="MaxLabelCharacters"/> characters in all.</param>
    public Exemplar(params ReadOnlySpan<KeyValuePair<string, string>> labels)
    {
        var copy = labels.ToArray();
        _set = new LabelSet(copy, Check(copy));
        _kind = KindLabels;
        _timestampMs = SeriesSnapshot.NoTimestamp;
    }

    private Exemplar(ActivityTraceId traceId, ActivitySpanId spanId, LabelSet? set, byte kind, long timestampMs, bool timed)
    {
        _traceId = traceId;
        _spanId = spanId;
        _set = set;
        _kind = kind;
        _timestampMs = timestampMs;
        _timed = timed;
    }

    /// <summary>True for the empty exemplar (<c>default</c>, or taken where no activity was current).</summary>
    public bool IsEmpty => _kind == 0;

    /// <summary>Why this exemplar cannot be recorded (the culprit named), or null when it can.</summary>
    public string? Problem => _set?.Problem;

    /// <summary>Whether a timestamp was given.</summary>
    public bool HasTimestamp => _timed;

    /// <summary>The given timestamp in epoch milliseconds, or <see cref="SeriesSnapshot.NoTimestamp"/>.</summary>
    public long TimestampMs => _timed ? _timestampMs : SeriesSnapshot.NoTimestamp;

    internal bool IsTrace => _kind == KindTrace;

    internal byte Kind => _kind;

    internal ActivityTraceId TraceId => _traceId;

    internal ActivitySpanId SpanId => _spanId;

    internal LabelSet? Set => _set;

    // The given timestamp as stored, for a caller that has checked HasTimestamp.
    internal long RawTimestampMs => _timestampMs;

    /// <summary>
    /// The trace and span of <see cref="Activity.Current"/>, or the empty exemplar when there is none (or its ids are
    /// not W3C ids). Reads the ids the activity holds; formats nothing.
    /// </summary>
    public static Exemplar FromCurrentActivity() => FromActivity(Activity.Current);

    /// <summary>The trace and span of <paramref name="activity"/>; empty for null or a non-W3C activity.</summary>
    public static Exemplar FromActivity(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? FromTrace(activity.TraceId, activity.SpanId) : default;

    /// <summary>A trace exemplar: <c>{trace_id="…",span_id="…"}</c> in lower-case hex.</summary>
    public static Exemplar FromTrace(ActivityTraceId traceId, ActivitySpanId spanId) =>
        new(traceId, spanId, null, KindTrace, SeriesSnapshot.NoTimestamp, timed: false);

    /// <summary>This exemplar with a timestamp (otherwise the time of recording is kept).</summary>
    public Exemplar WithTimestamp(DateTimeOffset timestamp) =>
        new(_traceId, _spanId, _set, _kind, timestamp.ToUnixTimeMilliseconds(), timed: true);

    /// <summary>The exemplar's labels as exposed: trace and span ids in hex, or the given labels.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels() => Labels(_kind, _traceId, _spanId, _set);

    /// <summary>The labels of an exemplar kept as its parts (an exemplar cell keeps only the parts its kind uses).</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Labels(byte kind, ActivityTraceId traceId, ActivitySpanId spanId, LabelSet? set) => kind switch
    {
        KindTrace => [new(TraceIdLabel, traceId.ToHexString()), new(SpanIdLabel, spanId.ToHexString())],
        KindLabels => set!.Labels,
        _ => [],
    };

    /// <summary>The number of Unicode code points in <paramref name="text"/>, as OpenMetrics counts an exemplar's characters.</summary>
    internal static int CountCharacters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static string? Check(KeyValuePair<string, string>[] labels)
    {
        if (labels.Length == 0)
        {
            return "An exemplar needs at least one label.";
        }

        var total = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var (name, value) = (labels[i].Key, labels[i].Value);
            if (!MetricNames.IsValidLabelName(name))
            {
                return $"Exemplar label name '{name}' is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with '__'.";
            }

            if (value is null)
            {
                return $"Exemplar label '{name}' has a null value.";
            }

            for (var j = 0; j < i; j++)
            {
                if (labels[j].Key == name)
                {
                    return $"Exemplar label '{name}' is given twice.";
                }
            }

            total += CountCharacters(name) + CountCharacters(value);
            if (total > MaxLabelCharacters)
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"Exemplar labels total {total} characters with label '{name}', more than the {MaxLabelCharacters} OpenMetrics allows (names and values, counted in characters).");
            }
        }

        return null;
    }

    /// <summary>Renders the exemplar for messages and debugging, as OpenMetrics writes its labels.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("{");
        foreach (var label in Labels())
        {
            text.Append(text.Length > 1 ? "," : string.Empty).Append(label.Key).Append("=\"").Append(label.Value).Append('"');
        }

        return text.Append('}').ToString();
    }

    /// <summary>A label exemplar's labels and the problem found in them (null when none).</summary>
    internal sealed record LabelSet(KeyValuePair<string, string>[] Labels, string? Problem);
}
