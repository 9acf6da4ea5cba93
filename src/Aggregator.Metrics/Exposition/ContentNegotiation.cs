using System.Globalization;

namespace Aggregator.Metrics.Exposition;

/// <summary>Picks the format from <c>Accept</c> and whether to gzip from <c>Accept-Encoding</c>, honouring q values.</summary>
public static class ContentNegotiation
{
    /// <summary>
    /// The format an <c>Accept</c> header asks for: the acceptable range with the highest q wins, the earlier one on a
    /// tie. <c>application/openmetrics-text</c> (any version) means OpenMetrics; <c>text/plain</c>, <c>text/*</c> and
    /// <c>*/*</c> mean text. A missing header, or one naming neither, gets text 0.0.4, as every Prometheus client does.
    /// </summary>
    public static ExpositionFormat ChooseFormat(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return ExpositionFormat.Text;
        }

        var best = ExpositionFormat.Text;
        var bestQ = 0.0;
        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';');
            var mediaType = parts[0].Trim();
            ExpositionFormat? format =
                mediaType.Equals("application/openmetrics-text", StringComparison.OrdinalIgnoreCase) ? ExpositionFormat.OpenMetrics
                : mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
                  || mediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase)
                  || mediaType == "*/*" ? ExpositionFormat.Text
                : null;
            if (format is null)
            {
                continue;
            }

            var q = Quality(parts);
            if (q > bestQ)
            {
                best = format.Value;
                bestQ = q;
            }
        }

        return best;
    }

    /// <summary>
    /// Whether an <c>Accept-Encoding</c> header allows gzip: <c>gzip</c> (or <c>x-gzip</c>) with q above 0, or <c>*</c>
    /// with q above 0 where gzip is not itself refused with <c>q=0</c>.
    /// </summary>
    public static bool AcceptsGzip(string? acceptEncoding)
    {
        if (string.IsNullOrWhiteSpace(acceptEncoding))
        {
            return false;
        }

        double? gzip = null;
        double? any = null;
        foreach (var coding in acceptEncoding.Split(','))
        {
            var parts = coding.Split(';');
            var name = parts[0].Trim();
            if (name.Equals("gzip", StringComparison.OrdinalIgnoreCase) || name.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = Math.Max(gzip ?? 0, Quality(parts));
            }
            else if (name == "*")
            {
                any = Quality(parts);
            }
        }

        return gzip is { } q ? q > 0 : any > 0;
    }

    private static double Quality(string[] parameters)
    {
        for (var i = 1; i < parameters.Length; i++)
        {
            var p = parameters[i].Trim();
            if (p.Length > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
            {
                return double.TryParse(p.AsSpan(2), NumberStyles.Float, CultureInfo.InvariantCulture, out var q) && q is >= 0 and <= 1
                    ? q
                    : 0;
            }
        }

        return 1;
    }
}
