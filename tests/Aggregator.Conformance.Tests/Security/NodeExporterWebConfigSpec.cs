using System.Net.Http.Headers;
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

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static async Task<string[]> StatusesAsync(Uri url, IEnumerable<(string Name, string? Authorization)> cases, HttpMessageHandler? handler = null)
    {
        var statuses = new List<string>();
        foreach (var (name, authorization) in cases)
        {
            // A fresh connection per case, so that one refused request cannot colour the next.
            using var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = TimeSpan.FromSeconds(20) };
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
        var client = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = TimeSpan.FromSeconds(2) };
        client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        return client;
    }
}
