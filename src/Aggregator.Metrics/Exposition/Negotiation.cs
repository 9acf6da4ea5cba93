namespace Aggregator.Metrics.Exposition;

/// <summary>What <see cref="ContentNegotiation.Negotiate"/> picked from an <c>Accept</c> header.</summary>
/// <param name="Format">The exposition format.</param>
/// <param name="Escaping">How names that are not legacy names are written (<see cref="EscapingScheme.Underscores"/> unless the scraper asked otherwise).</param>
public readonly record struct Negotiation(ExpositionFormat Format, EscapingScheme Escaping)
{
    /// <summary>The response's <c>Content-Type</c>: the format's, with the escaping used (<c>; escaping=underscores</c>).</summary>
    public string ContentType => ExpositionWriter.ContentType(Format, Escaping);
}
