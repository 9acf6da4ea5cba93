namespace Aggregator.Hosting;

/// <summary>
/// Which client certificates the server asks for and accepts: the exporter toolkit's <c>client_auth_type</c> values,
/// which are Go's <c>tls.ClientAuthType</c> names.
/// </summary>
public enum ClientAuthType
{
    /// <summary>No client certificate is asked for (the toolkit's default).</summary>
    NoClientCert,

    /// <summary>A certificate is asked for but neither required nor verified.</summary>
    RequestClientCert,

    /// <summary>A certificate is required but not verified against the client CA (the toolkit also reads <c>RequireClientCert</c>).</summary>
    RequireAnyClientCert,

    /// <summary>A certificate is optional; one that is sent must chain to the client CA.</summary>
    VerifyClientCertIfGiven,

    /// <summary>A certificate is required and must chain to the client CA: the only setting that authenticates clients.</summary>
    RequireAndVerifyClientCert,
}
