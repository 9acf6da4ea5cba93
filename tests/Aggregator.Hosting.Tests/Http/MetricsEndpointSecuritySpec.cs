using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Akka.Actor;

namespace Aggregator.Hosting.Tests.Http;

/// <summary>The web config's response headers and request rate limit, and basic auth, on the standalone server over real Kestrel.</summary>
public sealed class MetricsEndpointSecuritySpec : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("endpoint-security-spec", """
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            """);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    [Fact]
    public Task The_files_headers_go_on_every_answer_and_its_rate_limit_answers_429() =>
        WithWebConfigAsync(
            """
            http_server_config:
              headers:
                X-Frame-Options: deny
                X-Content-Type-Options: nosniff
            rate_limit:
              interval: 1h
              burst: 2
            """,
            async file =>
            {
                await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, WebConfigFile = file });
                using var http = new HttpClient();

                var statuses = new List<HttpStatusCode>();
                for (var i = 0; i < 3; i++)
                {
                    using var response = await http.GetAsync(server.Address);
                    statuses.Add(response.StatusCode);
                    Assert.Equal("deny", response.Headers.GetValues("X-Frame-Options").Single());
                    Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
                }

                Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
            });

    [Fact]
    public Task A_bcrypt_user_from_the_file_is_let_in_and_others_get_a_challenge() =>
        WithWebConfigAsync(
            $"basic_auth_users:\n  prometheus: {PasswordHash.Create("s3cret", 4)}\n",
            async file =>
            {
                await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, WebConfigFile = file });
                using var http = new HttpClient();

                using var anonymous = await http.GetAsync(server.Address);
                using var request = new HttpRequestMessage(HttpMethod.Get, server.Address);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:s3cret")));
                using var authorized = await http.SendAsync(request);

                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                Assert.Equal("Basic realm=\"metrics\", charset=\"UTF-8\"", anonymous.Headers.WwwAuthenticate.ToString());
                Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
            });

    [Fact]
    public Task A_wrong_web_config_file_stops_the_server_from_starting_with_the_files_error() =>
        WithWebConfigAsync(
            "basic_auth_users:\n  prometheus: s3cret\n",
            async file =>
            {
                var error = await Assert.ThrowsAsync<WebConfigException>(() => MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, WebConfigFile = file }));

                Assert.Equal($"Web config file '{file}' line 2: basic_auth_users: user 'prometheus': A password hash must be a bcrypt hash ('$2y$10$…') or look like 'pbkdf2-sha256$ITERATIONS$SALT$HASH' (not a plain password).", error.Message);
            });

    private static async Task WithWebConfigAsync(string yaml, Func<string, Task> test)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, yaml);
            await test(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
