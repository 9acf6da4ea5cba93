namespace Aggregator.Metrics;

/// <summary>
/// Which metric and label names a declaration accepts: <c>aggregator.name-validation</c>, or
/// <see cref="MetricsOptions.NameValidation"/> for a catalog made in code.
/// </summary>
public enum NameValidation
{
    /// <summary>
    /// The names every Prometheus consumer reads (the default): metric names <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label
    /// names <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.
    /// </summary>
    Legacy,

    /// <summary>
    /// Any non-empty name that has a UTF-8 encoding (no unpaired UTF-16 surrogate), as Prometheus 3 accepts, e.g.
    /// <c>http.server.request.duration</c>. The exposition writes such names quoted to a scraper that asks for
    /// <c>escaping=allow-utf-8</c>, and escaped by the scheme it asks for (underscores by default) to any other.
    /// Label names still may not start with <c>__</c>, and <c>le</c> and <c>quantile</c> stay reserved.
    /// </summary>
    Utf8,
}
