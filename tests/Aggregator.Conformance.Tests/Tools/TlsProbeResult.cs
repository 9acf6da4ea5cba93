using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>
/// What <see cref="TlsProbe"/> saw: <paramref name="Outcome"/> is the status line and body (e.g.
/// <c>HTTP/1.1 200 OK CN=prometheus</c>) or <see cref="TlsProbe.Refused"/>.
/// </summary>
public sealed record TlsProbeResult(string Outcome, X509Certificate2? ServerCertificate, SslProtocols Protocol, TlsCipherSuite? CipherSuite);
