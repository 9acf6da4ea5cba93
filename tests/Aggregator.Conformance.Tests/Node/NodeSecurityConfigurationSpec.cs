using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Node;

/// <summary>The node process reads bcrypt hashes from its own options and refuses wrong security settings with a clear error.</summary>
public sealed class NodeSecurityConfigurationSpec
{
    [Fact]
    public async Task A_bcrypt_hash_in_Node_BasicAuth_Users_secures_the_node()
    {
        var port = ServerProcess.FreePort();
        var valid = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:s3cret")));
        using var ready = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        ready.DefaultRequestHeaders.Authorization = valid;
        using var node = await ServerProcess.StartAsync(
            "dotnet",
            [NodeProcess.Dll, $"--Node:Port={ServerProcess.FreePort()}", $"--Node:HttpUrl=http://127.0.0.1:{port}", "--Node:DemoWorkers=1", $"--Node:BasicAuth:Users:prometheus={PasswordHash.Create("s3cret", 4)}"],
            new Uri($"http://127.0.0.1:{port}/metrics"),
            TimeSpan.FromSeconds(60),
            ready);

        using var http = new HttpClient();
        using var anonymous = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/metrics"));
        request.Headers.Authorization = valid;
        using var authorized = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }

    [Theory]
    [InlineData("--Node:BasicAuth:Users:prometheus=s3cret", "Configuration error: Basic-auth user 'prometheus': A password hash must be a bcrypt hash ('$2y$10$…') or look like 'pbkdf2-sha256$ITERATIONS$SALT$HASH' (not a plain password). (Parameter 'BasicAuthUsers')")]
    [InlineData("--Node:BasicAuth:Users:prometheus=$2y$03$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi", "Configuration error: Basic-auth user 'prometheus': A bcrypt hash's cost must be between 4 and 31, not 3. (Parameter 'BasicAuthUsers')")]
    [InlineData("--Node:WebConfigFile=/nonexistent/web.yml", "Configuration error: Web config file '/nonexistent/web.yml': Could not find a part of the path '/nonexistent/web.yml'.")]
    [InlineData("--Node:Tls:CertificatePath=/nonexistent/cert.pem", "Configuration error: Could not read '/nonexistent/cert.pem': Could not find a part of the path '/nonexistent/cert.pem'.")]
    [InlineData("--Node:PasswordAttempts:Burst=0", "Configuration error: PasswordAttempts.Burst must be at least 1, not 0.")]
    public async Task A_wrong_security_setting_stops_the_node_with_exit_code_78_and_names_it(string argument, string message)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { NodeProcess.Dll, $"--Node:Port={ServerProcess.FreePort()}", $"--Node:HttpUrl=http://127.0.0.1:{ServerProcess.FreePort()}", "--Node:Tls:KeyPath=/nonexistent/key.pem", argument })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        try
        {
            var error = process.StandardError.ReadToEndAsync();
            using var within = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(within.Token);
            Assert.Equal(78, process.ExitCode);
            Assert.Equal(message, (await error).TrimEnd('\n'));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
