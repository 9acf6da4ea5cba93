using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Security;

/// <summary>
/// One web config file, two servers: Debian's node_exporter (the exporter toolkit) and a node. Every request is sent
/// to both, and both must answer it with the same status.
/// </summary>
public sealed class NodeExporterWebConfigSpec : IDisposable
{
    private const string Exporter = "/usr/bin/prometheus-node-exporter";

    // A status for "no HTTP answer at all" (refused handshake, reset connection).
    private const int NoAnswer = -1;

    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-webconfig-").FullName;
    private readonly List<ServerProcess> _servers = [];

    public NodeExporterWebConfigSpec() => ExternalTool.Require(Exporter, "prometheus-node-exporter");

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Basic_auth_from_one_file_gets_the_same_status_from_node_exporter_and_the_node()
    {
        var webConfig = Path.Combine(_directory, "web.yml");
        await File.WriteAllTextAsync(webConfig, $"""
            basic_auth_users:
              prometheus: {PasswordHash.Create("correct horse", 4)}
              jürgen: {PasswordHash.Create("pass:word", 4)}
            """);
        var valid = Basic("prometheus", "correct horse");
        (string Name, string? Authorization, int Expected)[] cases =
        [
            ("no credentials", null, 401),
            ("right password", valid, 200),
            ("wrong password", Basic("prometheus", "correct horsf"), 401),
            ("unknown user", Basic("grafana", "correct horse"), 401),
            ("empty password", Basic("prometheus", string.Empty), 401),
            ("password with a NUL after it", Basic("prometheus", "correct horse\0"), 401),
            ("lower-case scheme", "basic " + valid[6..], 200),
            ("two spaces after the scheme", "Basic  " + valid[6..], 401),
            ("base64 without padding", Basic("jürgen", "pass:word").TrimEnd('='), 401),
            ("no colon", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus")), 401),
            ("bearer scheme", "Bearer " + valid[6..], 401),
            ("UTF-8 user and a colon in the password", Basic("jürgen", "pass:word"), 200),
            ("user name differs in case", Basic("Prometheus", "correct horse"), 401),
        ];

        var exporter = await StartExporterAsync(webConfig, "http", valid);
        var node = await StartNodeAsync(webConfig, "http", valid);

        var expected = cases.Select(c => $"{c.Name}: {c.Expected}").ToArray();
        Assert.Equal(expected, await StatusesAsync(exporter, cases.Select(c => (c.Name, c.Authorization))));
        Assert.Equal(expected, await StatusesAsync(node, cases.Select(c => (c.Name, c.Authorization))));
    }

    [Fact]
    public async Task Client_certificates_and_basic_auth_from_one_file_get_the_same_status_from_node_exporter_and_the_node()
    {
        using var certificates = new TestCertificates();

        // Relative names, so that both servers must take them from the file's folder.
        var webConfig = Path.Combine(certificates.Directory, "web.yml");
        await File.WriteAllTextAsync(webConfig, $"""
            tls_server_config:
              cert_file: {Path.GetFileName(certificates.ServerCertificatePath)}
              key_file: {Path.GetFileName(certificates.ServerKeyPath)}
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: {Path.GetFileName(certificates.CaBundlePath)}
            basic_auth_users:
              prometheus: {PasswordHash.Create("correct horse", 4)}
            """);
        using var client = certificates.LoadClient();
        using var server = certificates.LoadServer();
        using var secondCa = certificates.Issue(certificates.SecondCa, "second-client", "CN=second", [TestCertificates.ClientAuth]);
        using var untrusted = certificates.Issue(certificates.UntrustedCa, "rogue-client", "CN=rogue", [TestCertificates.ClientAuth]);
        using var noUsage = certificates.Issue(certificates.Ca, "no-usage-client", "CN=no usage", []);
        using var serverOnly = certificates.Issue(certificates.Ca, "server-only", "CN=server only", [TestCertificates.ServerAuth]);
        using var bothUsages = certificates.Issue(certificates.Ca, "both-usages", "CN=both", [TestCertificates.ServerAuth, TestCertificates.ClientAuth]);
        var valid = Basic("prometheus", "correct horse");
        (string Name, X509Certificate2? Certificate, string? Authorization, int Expected)[] cases =
        [
            ("no client certificate", null, valid, NoAnswer),
            ("client certificate and right password", client, valid, 200),
            ("client certificate and wrong password", client, Basic("prometheus", "wrong"), 401),
            ("client certificate and no credentials", client, null, 401),
            ("client certificate and unknown user", client, Basic("grafana", "correct horse"), 401),
            ("certificate of the bundle's second CA", secondCa, valid, 200),
            ("certificate of another CA", untrusted, valid, NoAnswer),
            ("certificate without key usages", noUsage, valid, 200),
            ("certificate for servers only", serverOnly, valid, NoAnswer),
            ("the server's own certificate", server, valid, NoAnswer),
            ("certificate for servers and clients", bothUsages, valid, 200),
        ];

        var exporter = await StartExporterAsync(webConfig, "https", valid, ClientHandler(client, certificates.Ca));
        var node = await StartNodeAsync(webConfig, "https", valid, ClientHandler(client, certificates.Ca));

        var expected = cases.Select(c => $"{c.Name}: {c.Expected}").ToArray();
        Assert.Equal(expected, await StatusesAsync(exporter, cases, certificates.Ca));
        Assert.Equal(expected, await StatusesAsync(node, cases, certificates.Ca));
    }

    private static async Task<string[]> StatusesAsync(Uri url, (string Name, X509Certificate2? Certificate, string? Authorization, int Expected)[] cases, X509Certificate2 ca)
    {
        var statuses = new List<string>();
        foreach (var (name, certificate, authorization, _) in cases)
        {
            statuses.AddRange(await StatusesAsync(url, [(name, authorization)], ClientHandler(certificate, ca)));
        }

        return [.. statuses];
    }

    /// <summary>A handler that trusts only the test CA for the server and always sends <paramref name="certificate"/>, whoever issued it.</summary>
    private static SocketsHttpHandler ClientHandler(X509Certificate2? certificate, X509Certificate2 ca) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = certificate is null ? null : [certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return presented is X509Certificate2 server && chain.Build(server);
            },
        },
    };

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static async Task<string[]> StatusesAsync(Uri url, IEnumerable<(string Name, string? Authorization)> cases, HttpMessageHandler? handler = null)
    {
        var statuses = new List<string>();
        foreach (var (name, authorization) in cases)
        {
            // A fresh connection per case, so that one refused request cannot colour the next.
            using var http = new HttpClient(handler ?? new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(20) };
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            try
            {
                using var response = await http.SendAsync(request);
                statuses.Add($"{name}: {(int)response.StatusCode}");
            }
            catch (HttpRequestException)
            {
                statuses.Add($"{name}: {NoAnswer}");
            }
        }

        return [.. statuses];
    }

    private async Task<Uri> StartExporterAsync(string webConfig, string scheme, string authorization, HttpMessageHandler? handler = null)
    {
        var address = $"127.0.0.1:{ServerProcess.FreePort()}";
        var url = new Uri($"{scheme}://{address}/metrics");
        using var ready = ReadyClient(authorization, handler);
        _servers.Add(await ServerProcess.StartAsync(
            Exporter,
            [$"--web.listen-address={address}", $"--web.config.file={webConfig}", "--collector.disable-defaults", "--collector.textfile", $"--collector.textfile.directory={_directory}"],
            url,
            readyClient: ready));
        return url;
    }

    private async Task<Uri> StartNodeAsync(string webConfig, string scheme, string authorization, HttpMessageHandler? handler = null)
    {
        var port = ServerProcess.FreePort();
        var url = new Uri($"{scheme}://127.0.0.1:{port}/metrics");
        using var ready = ReadyClient(authorization, handler);
        _servers.Add(await ServerProcess.StartAsync(
            "dotnet",
            [
                NodeProcess.Dll, $"--Node:Port={ServerProcess.FreePort()}", $"--Node:HttpUrl={scheme}://127.0.0.1:{port}", "--Node:DemoWorkers=1",
                $"--Node:WebConfigFile={webConfig}",

                // Every case here comes from 127.0.0.1; the per-address attempt limit, which the toolkit lacks, would
                // answer 429 from the sixth wrong password on.
                "--Node:PasswordAttempts:Burst=1000",
            ],
            url,
            TimeSpan.FromSeconds(60),
            ready));
        return url;
    }

    private static HttpClient ReadyClient(string authorization, HttpMessageHandler? handler)
    {
        var client = new HttpClient(handler ?? new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(2) };
        client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        return client;
    }
}
