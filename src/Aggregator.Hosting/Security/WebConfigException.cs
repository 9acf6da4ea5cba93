namespace Aggregator.Hosting;

/// <summary>A web config file that cannot be read or says something wrong; the message names the file, line and key.</summary>
public sealed class WebConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebConfigException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public WebConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public WebConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
