namespace Aggregator.Metrics;

/// <summary>A name-based operation named a metric that was never declared (name-missing policy <c>Error</c>).</summary>
public sealed class MetricNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception with a message that names the metric.</summary>
    public MetricNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public MetricNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public MetricNotFoundException()
    {
    }
}
