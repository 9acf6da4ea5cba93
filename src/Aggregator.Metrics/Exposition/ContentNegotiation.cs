using System.Net.Http.Headers;

namespace Aggregator.Metrics.Exposition;

/// <summary>Picks the format from <c>Accept</c> and whether to gzip from <c>Accept-Encoding</c>, honouring q values.</summary>
public static class ContentNegotiation
{
    private const string OpenMetricsType = "application/openmetrics-text";
    private const string TextType = "text/plain";
    private const string ProtobufType = "application/vnd.google.protobuf";
    private const string ProtobufMessage = "io.prometheus.client.MetricFamily";
    private const string ProtobufEncoding = "delimited";

    /// <summary>
    /// The format an <c>Accept</c> header asks for, by RFC 9110 §12.5.1. Each format's q comes from the most specific
    /// range that matches it: <c>type/subtype</c> with the version written, then without a version, then with an older
    /// version whose parsers read what is written, then <c>type/*</c>, then <c>*/*</c> (the highest q among equally
    /// specific ones); a q of 0 refuses the format. Text matches <c>text/plain</c> with no version or version 0.0.4, and
    /// <c>text/*</c>; OpenMetrics matches <c>application/openmetrics-text</c> with no version, 1.0.0 (what is written)
    /// or 0.0.1 (its draft, which older Prometheus servers ask for and whose parsers read 1.0.0), and
    /// <c>application/*</c>; protobuf matches only <c>application/vnd.google.protobuf</c> with
    /// <c>proto=io.prometheus.client.MetricFamily</c> and <c>encoding=delimited</c>, what is written (without them the
    /// range names no message, and a wildcard does not show that the client reads a binary format). A range with any
    /// other version does not match, and other parameters are ignored. The higher q wins; on a tie the format whose
    /// deciding range comes first in the header, and when one range decides several, text, then OpenMetrics, then
    /// protobuf. Elements that do not parse, or whose q is not a number from 0 to 1, are ignored. When the header refuses
    /// every format, names none, or is missing, text 0.0.4 is served anyway rather than a 406, as Prometheus' own client
    /// libraries do: every scraper reads it, and a scrape answered with 406 records nothing.
    /// </summary>
    public static ExpositionFormat ChooseFormat(string? accept) => Negotiate(accept).Format;

    /// <summary>
    /// The format <see cref="ChooseFormat"/> picks, and the name escaping to write it with: the <c>escaping=</c>
    /// parameter (<c>allow-utf-8</c>, <c>underscores</c>, <c>dots</c> or <c>values</c>) of the range that decided the
    /// chosen format's q, as Prometheus 3 sends it with the format it asks for
    /// (<c>application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6</c>). When that range has none, or
    /// one that is not a scheme, or when no range decided (text served anyway), the escaping is
    /// <see cref="EscapingScheme.Underscores"/>, prometheus/common's default: names that are not legacy names reach
    /// only a scraper that asked for them.
    /// </summary>
    public static Negotiation Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return new Negotiation(ExpositionFormat.Text, EscapingScheme.Underscores);
        }

        var text = Match.None;
        var openMetrics = Match.None;
        var protobuf = Match.None;
        var index = 0;
        foreach (var element in Elements(accept))
        {
            if (MediaTypeWithQualityHeaderValue.TryParse(element, out var range)
                && range.MediaType is { } mediaType
                && Quality(range.Quality, range.Parameters.Any(IsQuality)) is { } q)
            {
                var version = Parameter(range, "version");
                var escaping = NameEscaping.TryParse(Parameter(range, NameEscaping.ParameterName), out var scheme) ? scheme : EscapingScheme.Underscores;
                text = text.Consider(Specificity(mediaType, version, TextType, "text/*", "0.0.4", null), q, index, escaping);
                openMetrics = openMetrics.Consider(Specificity(mediaType, version, OpenMetricsType, "application/*", "1.0.0", "0.0.1"), q, index, escaping);
                protobuf = protobuf.Consider(ProtobufSpecificity(mediaType, range), q, index, escaping);
            }

            index++;
        }

        // In order of preference when one range decides several formats.
        var chosen = ExpositionFormat.Text;
        var best = text;
        if (openMetrics.Beats(best))
        {
            (chosen, best) = (ExpositionFormat.OpenMetrics, openMetrics);
        }

        if (protobuf.Beats(best))
        {
            (chosen, best) = (ExpositionFormat.Protobuf, protobuf);
        }

        return best.Quality > 0 ? new Negotiation(chosen, best.Escaping) : new Negotiation(ExpositionFormat.Text, EscapingScheme.Underscores);
    }

    /// <summary>
    /// Whether an <c>Accept-Encoding</c> header allows gzip: <c>gzip</c> (or its alias <c>x-gzip</c>, the highest q of
    /// the two) with q above 0, or else <c>*</c> with q above 0. A named coding overrides <c>*</c>, so
    /// <c>gzip;q=0, *</c> does not gzip. Elements that do not parse are ignored.
    /// </summary>
    public static bool AcceptsGzip(string? acceptEncoding)
    {
        if (string.IsNullOrWhiteSpace(acceptEncoding))
        {
            return false;
        }

        double? gzip = null;
        double? any = null;
        foreach (var element in Elements(acceptEncoding))
        {
            // TryParse already refuses a q that is not a number from 0 to 1.
            if (!StringWithQualityHeaderValue.TryParse(element, out var coding))
            {
                continue;
            }

            var q = coding.Quality ?? 1;

            if (coding.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Value.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = Math.Max(gzip ?? 0, q);
            }
            else if (coding.Value == "*")
            {
                any = Math.Max(any ?? 0, q);
            }
        }

        return gzip is { } named ? named > 0 : any > 0;
    }

    /// <summary>
    /// How specifically a range names a format: 5 for its type with the version it is written in, 4 without a version,
    /// 3 with an older version whose readers also take it (a weaker match than none: it names another representation),
    /// 2 for its <c>type/*</c>, 1 for <c>*/*</c>; 0 when the range does not match it.
    /// </summary>
    private static int Specificity(string mediaType, string? version, string type, string wildcard, string written, string? alsoRead)
    {
        if (mediaType.Equals(type, StringComparison.OrdinalIgnoreCase))
        {
            if (version is null)
            {
                return 4;
            }

            return version == written ? 5 : version == alsoRead ? 3 : 0;
        }

        return mediaType.Equals(wildcard, StringComparison.OrdinalIgnoreCase) ? 2
            : mediaType == "*/*" ? 1
            : 0;
    }

    /// <summary>How specifically a range names the protobuf format: 5 for its type, message and encoding, else 0.</summary>
    private static int ProtobufSpecificity(string mediaType, MediaTypeWithQualityHeaderValue range) =>
        mediaType.Equals(ProtobufType, StringComparison.OrdinalIgnoreCase)
        && Parameter(range, "proto") == ProtobufMessage
        && Parameter(range, "encoding") == ProtobufEncoding
            ? 5
            : 0;

    /// <summary>A parameter's value, unquoted; null when the range does not have it.</summary>
    private static string? Parameter(MediaTypeWithQualityHeaderValue range, string name) =>
        range.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');

    /// <summary>The q of an element: 1 when it has none, null when it has one that is not a number from 0 to 1.</summary>
    private static double? Quality(double? parsed, bool hasQuality) =>
        parsed is { } q ? (q is >= 0 and <= 1 ? q : null)
        : hasQuality ? null
        : 1;

    private static bool IsQuality(NameValueHeaderValue parameter) => parameter.Name.Equals("q", StringComparison.OrdinalIgnoreCase);

    /// <summary>The elements of a comma-separated header, splitting only outside quoted strings; empty ones are skipped.</summary>
    private static IEnumerable<string> Elements(string header)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= header.Length; i++)
        {
            if (i < header.Length)
            {
                var c = header[i];
                if (quoted && c == '\\')
                {
                    i++;
                    continue;
                }

                if (c == '"')
                {
                    quoted = !quoted;
                }

                if (quoted || c != ',')
                {
                    continue;
                }
            }

            var element = header[start..i].Trim();
            if (element.Length > 0)
            {
                yield return element;
            }

            start = i + 1;
        }
    }

    /// <summary>
    /// The range that decides a format's q so far: how specific it is, its q, where it stands in the header, and the
    /// escaping it asks for.
    /// </summary>
    private readonly record struct Match(int Specificity, double Quality, int Index, EscapingScheme Escaping)
    {
        public static Match None => new(0, 0, int.MaxValue, EscapingScheme.Underscores);

        /// <summary>This match, or the range at <paramref name="index"/> when it is more specific, or as specific with a higher q.</summary>
        public Match Consider(int specificity, double quality, int index, EscapingScheme escaping) =>
            specificity > Specificity || (specificity == Specificity && specificity > 0 && quality > Quality)
                ? new Match(specificity, quality, index, escaping)
                : this;

        /// <summary>Whether this format is preferred to one that <paramref name="other"/> decides: a higher q, or the same q from an earlier range.</summary>
        public bool Beats(Match other) => Quality != other.Quality ? Quality > other.Quality : Index < other.Index;
    }
}
