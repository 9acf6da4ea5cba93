using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Metrics;

namespace Aggregator.Conformance.Tests.Conformance;

/// <summary>
/// Turns expected families and parsed families into the same list of lines, one per family header and one per sample,
/// so that a whole exposition is compared at once and a failure shows the first line that differs. Numbers are
/// compared by bit pattern (so -0 and 0 differ), NaN as NaN; label values and HELP as JSON strings.
/// </summary>
public static class Canonical
{
    /// <summary>The lines an exposition of <paramref name="families"/> must parse into, in the given format.</summary>
    public static List<string> FromExpected(IEnumerable<ExpectedFamily> families, bool openMetrics)
    {
        ArgumentNullException.ThrowIfNull(families);
        var lines = new List<string>();
        foreach (var family in families)
        {
            AddExpected(lines, family, openMetrics);
        }

        return lines;
    }

    /// <summary>The lines of what a Python parser returned.</summary>
    public static List<string> FromParsed(IEnumerable<ParsedFamily> families, bool openMetrics)
    {
        ArgumentNullException.ThrowIfNull(families);
        var lines = new List<string>();
        foreach (var family in families)
        {
            lines.Add(Header(family.Name, family.Type, family.Help));
            foreach (var sample in family.Samples)
            {
                var timestamp = sample.Timestamp is null
                    ? "-"
                    : openMetrics ? sample.Timestamp : Number(PythonFloat(sample.Timestamp), openMetrics: false);
                lines.Add(Sample(sample.Name, sample.Labels, Number(PythonFloat(sample.Value), openMetrics), timestamp));
            }
        }

        return lines;
    }

    /// <summary>Reads a Python float repr: "3.0", "1e+20", "-0.0", "inf", "-inf", "nan".</summary>
    public static double PythonFloat(string repr) => repr switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(repr, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A number as compared: NaN, or its shortest round-trip text with its bit pattern. In OpenMetrics both zeros are
    /// one: Python's OpenMetrics parser reads an integer literal with <c>int()</c>, so "-0" comes back as 0.
    /// </summary>
    public static string Number(double value, bool openMetrics)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (openMetrics && value == 0)
        {
            return "0 (either sign)";
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:R} (0x{BitConverter.DoubleToInt64Bits(value):X16})");
    }

    /// <summary>
    /// A timestamp as each parser returns it: OpenMetrics seconds as "seconds.nanoseconds" (Python's Timestamp), the
    /// text format's milliseconds divided by 1000 as a float.
    /// </summary>
    public static string Timestamp(long? milliseconds, bool openMetrics)
    {
        if (milliseconds is not { } ms)
        {
            return "-";
        }

        Assert.True(ms >= 0, "Expectations use timestamps from 1970 on: Python reads a negative \"-s.f\" as -s + 0.f.");
        return openMetrics
            ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000}.{ms % 1000 * 1_000_000:D9}")
            : Number(ms / 1000.0, openMetrics: false);
    }

    private static void AddExpected(List<string> lines, ExpectedFamily family, bool openMetrics)
    {
        var name = family.Name;
        switch (family.Type)
        {
            case MetricType.Counter:
                // The text parser strips _total from a counter family's name, as OpenMetrics names it.
                lines.Add(Header(name, "counter", family.Help));
                break;
            case MetricType.Gauge:
                lines.Add(Header(name, "gauge", family.Help));
                break;
            case MetricType.Histogram:
                lines.Add(Header(name, "histogram", family.Help));
                break;
            case MetricType.Summary:
                lines.Add(Header(name, "summary", family.Help));
                break;
            default:
                // Text 0.0.4 has no info type: a gauge named name_info.
                lines.Add(openMetrics ? Header(name, "info", family.Help) : Header(name + "_info", "gauge", family.Help));
                break;
        }

        foreach (var s in family.Series)
        {
            var labels = s.Labels.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal);
            var ts = Timestamp(s.TimestampMs, openMetrics);
            switch (family.Type)
            {
                case MetricType.Counter:
                    lines.Add(Sample(name + "_total", labels, Number(s.Value, openMetrics), ts));
                    AddCreated(lines, name, labels, s, ts, openMetrics);
                    break;
                case MetricType.Gauge:
                    lines.Add(Sample(name, labels, Number(s.Value, openMetrics), ts));
                    break;
                case MetricType.Info:
                    lines.Add(Sample(name + "_info", labels, Number(1, openMetrics), ts));
                    break;
                case MetricType.Histogram:
                    foreach (var (le, count) in s.Buckets)
                    {
                        var withLe = new Dictionary<string, string>(labels, StringComparer.Ordinal) { ["le"] = le };
                        lines.Add(Sample(name + "_bucket", withLe, Number(count, openMetrics), ts));
                    }

                    // OpenMetrics: _sum is a counter (never negative or NaN) and a histogram with a negative bucket
                    // bound has none; _count goes with it.
                    var negativeBound = s.Buckets.Count > 0 && s.Buckets[0].Le != "+Inf" && double.Parse(s.Buckets[0].Le, CultureInfo.InvariantCulture) < 0;
                    if (!openMetrics || (s.Sum >= 0 && !negativeBound))
                    {
                        lines.Add(Sample(name + "_count", labels, Number(s.Count, openMetrics), ts));
                        lines.Add(Sample(name + "_sum", labels, Number(s.Sum, openMetrics), ts));
                    }

                    AddCreated(lines, name, labels, s, ts, openMetrics);
                    break;
                default:
                    lines.Add(Sample(name + "_count", labels, Number(s.Count, openMetrics), ts));
                    if (!openMetrics || s.Sum >= 0)
                    {
                        lines.Add(Sample(name + "_sum", labels, Number(s.Sum, openMetrics), ts));
                    }

                    AddCreated(lines, name, labels, s, ts, openMetrics);
                    break;
            }
        }
    }

    private static void AddCreated(List<string> lines, string name, Dictionary<string, string> labels, ExpectedSeries s, string ts, bool openMetrics)
    {
        if (openMetrics && s.Created is { } created)
        {
            lines.Add(Sample(name + "_created", labels, Number(created, openMetrics), ts));
        }
    }

    private static string Header(string name, string type, string help) => $"# {name} {type} {Json(help)}";

    private static string Sample(string name, IReadOnlyDictionary<string, string> labels, string value, string timestamp)
    {
        var text = new StringBuilder(name).Append('{');
        var first = true;
        foreach (var (key, labelValue) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            text.Append(first ? string.Empty : ",").Append(key).Append('=').Append(Json(labelValue));
            first = false;
        }

        return text.Append("} ").Append(value).Append(" @ ").Append(timestamp).ToString();
    }

    // Relaxed escaping keeps "+Inf" and non-ASCII readable in failure messages; control characters, quotes and
    // backslashes are still escaped, so the rendering stays one-to-one.
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(string value) => JsonSerializer.Serialize(value, JsonOptions);
}
