namespace Aggregator.Metrics.Exposition;

/// <summary>
/// How an exposition writes metric and label names that are not legacy names, as Prometheus 3 negotiates it with the
/// <c>escaping=</c> parameter of <c>Accept</c> (prometheus/common's <c>model.EscapingScheme</c>). Legacy names
/// (<c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label names <c>[a-zA-Z_][a-zA-Z0-9_]*</c>) are written as they are under every
/// scheme. See <see cref="NameEscaping"/> for the exact rules.
/// </summary>
public enum EscapingScheme
{
    /// <summary>
    /// <c>underscores</c>, the default when a scraper asks for none: every character that a legacy name may not hold
    /// there becomes <c>_</c> (<c>my.metric</c> is <c>my_metric</c>). Not reversible.
    /// </summary>
    Underscores,

    /// <summary>
    /// <c>allow-utf-8</c>: no escaping; a name that is not a legacy one is written quoted, <c>{"my.metric",a="b"}</c>.
    /// Only for scrapers that ask for it.
    /// </summary>
    AllowUtf8,

    /// <summary>
    /// <c>dots</c>: <c>.</c> becomes <c>_dot_</c>, <c>_</c> becomes <c>__</c>, any other character a legacy name may
    /// not hold there becomes <c>__</c> (<c>my.metric_x</c> is <c>my_dot_metric__x</c>). Reversible for names whose
    /// only such characters are dots.
    /// </summary>
    Dots,

    /// <summary>
    /// <c>values</c>: the name gets a <c>U__</c> prefix, <c>_</c> becomes <c>__</c>, and any character a legacy name may
    /// not hold there becomes <c>_</c>, its code point in lower-case hexadecimal and <c>_</c> (<c>my.metric</c> is
    /// <c>U__my_2e_metric</c>). Reversible.
    /// </summary>
    Values,
}
