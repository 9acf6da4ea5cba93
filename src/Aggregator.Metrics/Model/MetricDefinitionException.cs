namespace Aggregator.Metrics;

/// <summary>A metric definition is invalid: a bad name, label name, bucket list or missing label.</summary>
public sealed class MetricDefinitionException : ArgumentException
{
    /// <summary>Creates the exception with a message that names the culprit.</summary>
    public MetricDefinitionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the parameter that held the culprit.</summary>
    public MetricDefinitionException(string message, string? paramName)
        : base(message, paramName)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public MetricDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public MetricDefinitionException()
    {
    }
}
