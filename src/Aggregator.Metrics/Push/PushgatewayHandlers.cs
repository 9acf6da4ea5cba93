using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Aggregator.Metrics.Push;

/// <summary>Ready-made handlers for <see cref="PushgatewayOptions.Handler"/>.</summary>
public static class PushgatewayHandlers
{
    /// <summary>Sends HTTP basic authentication with every request (use it over https).</summary>
    public static HttpMessageHandler BasicAuth(string username, string password, HttpMessageHandler? inner = null)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        if (username.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A basic-auth user name cannot contain ':' ('{username}').", nameof(username));
        }

        return new HeaderHandler(
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password))),
            inner ?? new SocketsHttpHandler());
    }

    /// <summary>
    /// Presents <paramref name="certificate"/> (with its private key) to an https gateway; the gateway's own certificate
    /// is checked by <paramref name="serverValidation"/>, or by the system's trust store when null.
    /// </summary>
    public static HttpMessageHandler ClientCertificate(X509Certificate2 certificate, RemoteCertificateValidationCallback? serverValidation = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [certificate],
                RemoteCertificateValidationCallback = serverValidation,
            },
        };
    }

    private sealed class HeaderHandler(AuthenticationHeaderValue authorization, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = authorization;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
