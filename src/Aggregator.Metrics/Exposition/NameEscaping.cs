using System.Globalization;
using System.Text;

namespace Aggregator.Metrics.Exposition;

/// <summary>
/// The name escaping of Prometheus 3 (prometheus/common <c>model.EscapeName</c> and <c>EscapeMetricFamily</c>): what
/// a metric or label name that is not a legacy name becomes for a scraper that asked for <c>underscores</c>,
/// <c>dots</c> or <c>values</c>, and the <c>escaping=</c> header values.
/// </summary>
/// <remarks>
/// <para>
/// A character is "legacy" at a position when a legacy name may hold it there: <c>a-z A-Z _ :</c> anywhere and
/// <c>0-9</c> after the first character, for metric names; the same without <c>:</c> for label names. Characters are
/// Unicode code points (a surrogate pair is one; an unpaired surrogate, which declarations refuse, counts as
/// U+FFFD).
/// </para>
/// <list type="bullet">
/// <item><c>underscores</c>: each non-legacy character becomes <c>_</c>.</item>
/// <item><c>dots</c>: <c>_</c> becomes <c>__</c>, <c>.</c> becomes <c>_dot_</c>, other legacy characters stay, each other
/// character becomes <c>__</c>.</item>
/// <item><c>values</c>: <c>U__</c>, then <c>_</c> becomes <c>__</c>, legacy characters stay, an unpaired surrogate
/// becomes <c>_FFFD_</c>, each other character <c>_</c> + its code point in lower-case hexadecimal without padding +
/// <c>_</c>.</item>
/// <item><c>allow-utf-8</c>: the name as it is (the writers quote it).</item>
/// </list>
/// <para>
/// <see cref="Escape"/> is <c>model.EscapeName</c> itself, which rewrites even a legacy name under <c>dots</c>
/// (<c>a_b</c> is <c>a__b</c>). The exposition never escapes a legacy name, as <c>EscapeMetricFamily</c> does not:
/// <see cref="EscapeMetricName"/> and <see cref="EscapeLabelName"/> return legacy names as they are. A family's escaped
/// name is the escaped family name with the sample suffixes (<c>_total</c>, <c>_bucket</c>, …) appended after
/// escaping, so that every format still finds a family's samples by their suffix, as prometheus/common's writers do.
/// Label names are checked and escaped by the label-name character set, as client_python does (prometheus/common checks
/// them by the metric-name set, which lets <c>a:b</c> through unescaped, where a legacy parser refuses it).
/// </para>
/// </remarks>
public static class NameEscaping
{
    /// <summary>The <c>Accept</c> and <c>Content-Type</c> parameter that names the scheme.</summary>
    public const string ParameterName = "escaping";

    /// <summary>The parameter value of <see cref="EscapingScheme.AllowUtf8"/>.</summary>
    public const string AllowUtf8 = "allow-utf-8";

    /// <summary>The parameter value of <see cref="EscapingScheme.Underscores"/>.</summary>
    public const string Underscores = "underscores";

    /// <summary>The parameter value of <see cref="EscapingScheme.Dots"/>.</summary>
    public const string Dots = "dots";

    /// <summary>The parameter value of <see cref="EscapingScheme.Values"/>.</summary>
    public const string Values = "values";

    /// <summary>The value an <c>escaping=</c> parameter gives <paramref name="scheme"/>.</summary>
    public static string HeaderValue(EscapingScheme scheme) => scheme switch
    {
        EscapingScheme.AllowUtf8 => AllowUtf8,
        EscapingScheme.Dots => Dots,
        EscapingScheme.Values => Values,
        _ => Underscores,
    };

    /// <summary>
    /// Reads an <c>escaping=</c> value: one of the four names, exactly (surrounding quotes allowed); anything else is
    /// not a scheme, and a scraper that sends it gets the default, as prometheus/common ignores it.
    /// </summary>
    public static bool TryParse(string? value, out EscapingScheme scheme)
    {
        var unquoted = value is { Length: >= 2 } && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
        (var known, scheme) = unquoted switch
        {
            AllowUtf8 => (true, EscapingScheme.AllowUtf8),
            Underscores => (true, EscapingScheme.Underscores),
            Dots => (true, EscapingScheme.Dots),
            Values => (true, EscapingScheme.Values),
            _ => (false, EscapingScheme.Underscores),
        };
        return known;
    }

    /// <summary>
    /// prometheus/common's <c>model.EscapeName</c>: <paramref name="name"/> under <paramref name="scheme"/> by the
    /// metric-name character set, whether or not it is a legacy name (under <c>dots</c> a legacy name changes too).
    /// </summary>
    public static string Escape(string name, EscapingScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(name);
        return scheme switch
        {
            _ when name.Length == 0 => name,
            EscapingScheme.AllowUtf8 => name,
            EscapingScheme.Underscores when MetricNames.IsValidMetricName(name) => name,
            EscapingScheme.Values when MetricNames.IsValidMetricName(name) => name,
            _ => Rewrite(name, scheme, label: false),
        };
    }

    /// <summary>
    /// A metric name as an exposition under <paramref name="scheme"/> writes it (before quoting): as it is when it is a
    /// legacy metric name or the scheme is <c>allow-utf-8</c>, else <see cref="Escape"/>d.
    /// </summary>
    public static string EscapeMetricName(string name, EscapingScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(name);
        return scheme == EscapingScheme.AllowUtf8 || name.Length == 0 || MetricNames.IsValidMetricName(name)
            ? name
            : Rewrite(name, scheme, label: false);
    }

    /// <summary>
    /// A label name as an exposition under <paramref name="scheme"/> writes it (before quoting): as it is when it is a
    /// legacy label name or the scheme is <c>allow-utf-8</c>, else escaped by the label-name character set.
    /// </summary>
    public static string EscapeLabelName(string name, EscapingScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(name);
        return scheme == EscapingScheme.AllowUtf8 || name.Length == 0 || MetricNames.HasLegacyLabelCharacters(name)
            ? name
            : Rewrite(name, scheme, label: true);
    }

    /// <summary>Whether the family's metric and label names are all legacy names, which no scheme changes.</summary>
    internal static bool HasLegacyNames(MetricDefinition definition) =>
        MetricNames.IsValidMetricName(definition.Name) && Array.TrueForAll(definition.LabelNamesArray, MetricNames.HasLegacyLabelCharacters);

    private static string Rewrite(string name, EscapingScheme scheme, bool label)
    {
        var escaped = new StringBuilder(name.Length + 8);
        if (scheme == EscapingScheme.Values)
        {
            escaped.Append("U__");
        }

        var first = true;
        for (var i = 0; i < name.Length; i++)
        {
            int codePoint = name[i];
            var unpaired = false;
            if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                codePoint = char.ConvertToUtf32(name[i], name[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(name[i]))
            {
                unpaired = true;
            }

            var legacy = !unpaired && IsLegacy(codePoint, first, label);
            first = false;
            switch (scheme)
            {
                case EscapingScheme.Underscores:
                    Append(escaped, legacy ? codePoint : '_');
                    break;
                case EscapingScheme.Dots:
                    if (codePoint == '_')
                    {
                        escaped.Append("__");
                    }
                    else if (codePoint == '.')
                    {
                        escaped.Append("_dot_");
                    }
                    else if (legacy)
                    {
                        Append(escaped, codePoint);
                    }
                    else
                    {
                        escaped.Append("__");
                    }

                    break;
                default:
                    if (codePoint == '_')
                    {
                        escaped.Append("__");
                    }
                    else if (legacy)
                    {
                        Append(escaped, codePoint);
                    }
                    else if (unpaired)
                    {
                        escaped.Append("_FFFD_");
                    }
                    else
                    {
                        escaped.Append('_').Append(codePoint.ToString("x", CultureInfo.InvariantCulture)).Append('_');
                    }

                    break;
            }
        }

        return escaped.ToString();
    }

    private static bool IsLegacy(int c, bool first, bool label) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_'
        || (c == ':' && !label)
        || (!first && c is >= '0' and <= '9');

    private static void Append(StringBuilder builder, int codePoint)
    {
        if (codePoint < 0x10000)
        {
            builder.Append((char)codePoint);
        }
        else
        {
            builder.Append(char.ConvertFromUtf32(codePoint));
        }
    }
}
