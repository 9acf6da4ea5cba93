using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>
/// One HTTPS request over a bare <see cref="SslStream"/> to 127.0.0.1, sending exactly the client certificate given
/// (whatever CAs the server names) and reporting what happened.
/// </summary>
public static class TlsProbe
{
    /// <summary>What <see cref="TlsProbeResult.Outcome"/> is when the handshake or the request failed.</summary>
    public const string Refused = "refused";

    public static async Task<TlsProbeResult> GetAsync(
        int port,
        X509Certificate2? clientCertificate = null,
        SslProtocols protocols = SslProtocols.None,
        TlsCipherSuite[]? cipherSuites = null,
        string path = "/")
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, timeout.Token);
        await using var tls = new SslStream(tcp.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = protocols,
            AllowTlsResume = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

            // The probe reports the server's certificate for the spec to check, rather than judging it.
#pragma warning disable CA5359
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
            LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
        };
        if (cipherSuites is not null)
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("A client cipher suite policy needs OpenSSL.");
            }

            options.CipherSuitesPolicy = new CipherSuitesPolicy(cipherSuites);
        }

        try
        {
            await tls.AuthenticateAsClientAsync(options, timeout.Token);
            var server = X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
            var protocol = tls.SslProtocol;
            var suite = tls.NegotiatedCipherSuite;
            await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), timeout.Token);
            using var response = new MemoryStream();
            await tls.CopyToAsync(response, timeout.Token);
            var text = Encoding.UTF8.GetString(response.ToArray());
            var status = text.IndexOf("\r\n", StringComparison.Ordinal) is var end and > 0 ? text[..end] : Refused;
            var body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var start and > 0 ? text[(start + 4)..] : string.Empty;
            return new TlsProbeResult(status == Refused ? Refused : $"{status} {body}", server, protocol, suite);
        }
        catch (Exception error) when (error is AuthenticationException or IOException)
        {
            return new TlsProbeResult(Refused, null, SslProtocols.None, null);
        }
    }
}
