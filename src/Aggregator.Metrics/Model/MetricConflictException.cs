namespace Aggregator.Metrics;

/// <summary>A name is already taken by a different definition (name-conflict policy <c>Error</c>).</summary>
public sealed class MetricConflictException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that names the metric and the difference.</summary>
    public MetricConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public MetricConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public MetricConflictException()
    {
    }
}
