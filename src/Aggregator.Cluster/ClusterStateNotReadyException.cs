namespace Aggregator.Cluster;

/// <summary>
/// A cluster collection was asked of a node that has not yet read the departed members' totals from the cluster: its
/// answer would show counters lower than another member's, so it answers nothing (the endpoint gives 503) until it has.
/// </summary>
public sealed class ClusterStateNotReadyException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public ClusterStateNotReadyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public ClusterStateNotReadyException()
        : this("The departed members' totals have not been read from the cluster yet.")
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public ClusterStateNotReadyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
