using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Security;

/// <summary>The standalone server over HTTPS with client certificates and basic auth, scraped by a real Prometheus.</summary>
public sealed class HttpsScrapeSpec : IAsyncLifetime
{
    private const string User = "prometheus";
    private const string Password = "correct horse";

    private readonly TestCertificates _certificates = new();
    private ActorSystem _system = null!;
    private MetricsServer _server = null!;

    public async Task InitializeAsync()
    {
        _system = ActorSystem.Create("https-spec", "akka.loglevel = WARNING");
        var worker = _system.ActorOf(Props.Create<HitsWorker>(), "hits");
        await worker.Ask<string>(3, TimeSpan.FromSeconds(5));
        _server = await MetricsServer.StartAsync(_system, new MetricsServerOptions
        {
            Port = 0,
            Tls = new TlsOptions
            {
                CertificatePath = _certificates.ServerCertificatePath,
                KeyPath = _certificates.ServerKeyPath,
                ClientCaPath = _certificates.CaPath,
            },

            // bcrypt's lowest cost keeps the test fast; the default is 10.
            Security = new MetricsSecurityOptions { BasicAuthUsers = new Dictionary<string, string> { [User] = PasswordHash.Create(Password, 4) } },
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _system.Terminate();
        _certificates.Dispose();
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_over_https_with_a_client_certificate_and_basic_auth()
    {
        using var prometheus = await PrometheusServer.StartAsync($"""
              - job_name: secure
                scheme: https
                tls_config:
                  ca_file: {_certificates.CaPath}
                  cert_file: {_certificates.ClientCertificatePath}
                  key_file: {_certificates.ClientKeyPath}
                basic_auth:
                  username: {User}
                  password: {Password}
                static_configs:
                  - targets: ["127.0.0.1:{_server.Port}"]
            """);

        await prometheus.WaitForTargetsUpAsync(1, TimeSpan.FromSeconds(30));

        Assert.Equal(1, await prometheus.SingleValueAsync("up{job=\"secure\"}", TimeSpan.FromSeconds(10)));
        Assert.Equal(3, await prometheus.SingleValueAsync("secure_hits_total", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_wrong_password_gets_401_and_the_right_one_200()
    {
        using var http = Client(withCertificate: true);

        using var wrong = await http.SendAsync(Request("wrong"));
        using var none = await http.GetAsync(_server.Address);
        using var right = await http.SendAsync(Request(Password));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Basic realm=\"metrics\", charset=\"UTF-8\"", wrong.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("secure_hits_total 3\n", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_client_certificate_the_connection_is_refused()
    {
        using var http = Client(withCertificate: false);

        await Assert.ThrowsAsync<HttpRequestException>(() => http.SendAsync(Request(Password)));
    }

    private HttpRequestMessage Request(string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, _server.Address);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{password}")));
        return request;
    }

    private HttpClient Client(bool withCertificate)
    {
        var ca = _certificates.LoadCa();
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is X509Certificate2 server && chain.Build(server);
        };
        if (withCertificate)
        {
            handler.SslOptions.ClientCertificates = [_certificates.LoadClient()];
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    private sealed class HitsWorker : MeteredReceiveActor
    {
        public HitsWorker()
        {
            var hits = Metrics.Counter("secure_hits_total", "Hits");
            Receive<int>(n =>
            {
                hits.Inc(n);
                Sender.Tell("done");
            });
        }
    }
}
