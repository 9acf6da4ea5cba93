using Akka.Actor;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Security;

/// <summary>
/// The standalone server re-reads its certificate, key and client CA files when they change, as the exporter toolkit
/// does per connection, and keeps serving the last good certificate while a change is incomplete.
/// </summary>
public sealed class CertificateRotationSpec : IAsyncLifetime
{
    private const string Ok = "HTTP/1.1 200 OK";

    private readonly TestCertificates _certificates = new();
    private string _certificatePath = null!;
    private string _keyPath = null!;
    private string _caPath = null!;
    private ActorSystem _system = null!;
    private MetricsServer _server = null!;

    public async Task InitializeAsync()
    {
        // Copies, so that the spec can overwrite them.
        _certificatePath = Copy(_certificates.ServerCertificatePath, "live.pem");
        _keyPath = Copy(_certificates.ServerKeyPath, "live.key");
        _caPath = Copy(_certificates.CaPath, "live-ca.pem");
        _system = ActorSystem.Create("rotation-spec", "akka.loglevel = WARNING");
        _server = await MetricsServer.StartAsync(_system, new MetricsServerOptions
        {
            Port = 0,
            Tls = new TlsOptions
            {
                CertificatePath = _certificatePath,
                KeyPath = _keyPath,
                ClientCaPath = _caPath,
                ClientAuthType = ClientAuthType.RequireAndVerifyClientCert,
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _system.Terminate();
        _certificates.Dispose();
    }

    [Fact]
    public async Task A_new_connection_sees_the_certificate_that_replaced_the_files()
    {
        using var client = _certificates.LoadClient();
        var before = await Probe(client);
        var (certificate, key) = _certificates.IssueServer("rotated", "CN=rotated server");

        Replace(_certificatePath, certificate);
        Replace(_keyPath, key);
        var after = await Probe(client);

        Assert.Equal((Ok, "CN=127.0.0.1"), (Status(before), before.ServerCertificate?.Subject));
        Assert.Equal((Ok, "CN=rotated server"), (Status(after), after.ServerCertificate?.Subject));
        Assert.NotEqual(before.ServerCertificate!.SerialNumber, after.ServerCertificate!.SerialNumber);
    }

    [Fact]
    public async Task While_only_the_certificate_is_replaced_the_previous_pair_is_served_until_the_key_follows()
    {
        using var client = _certificates.LoadClient();
        var (certificate, key) = _certificates.IssueServer("half", "CN=half rotated");

        Replace(_certificatePath, certificate);
        var halfway = await Probe(client);
        Replace(_keyPath, key);
        var done = await Probe(client);

        Assert.Equal((Ok, "CN=127.0.0.1"), (Status(halfway), halfway.ServerCertificate?.Subject));
        Assert.Equal((Ok, "CN=half rotated"), (Status(done), done.ServerCertificate?.Subject));
    }

    [Fact]
    public async Task A_half_written_certificate_file_keeps_the_previous_certificate()
    {
        using var client = _certificates.LoadClient();
        var text = File.ReadAllText(_certificatePath);

        File.WriteAllText(_certificatePath, text[..(text.Length / 2)]);
        var truncated = await Probe(client);
        File.WriteAllText(_certificatePath, string.Empty);
        var empty = await Probe(client);

        Assert.Equal((Ok, "CN=127.0.0.1"), (Status(truncated), truncated.ServerCertificate?.Subject));
        Assert.Equal((Ok, "CN=127.0.0.1"), (Status(empty), empty.ServerCertificate?.Subject));
    }

    [Fact]
    public async Task A_client_CA_added_to_the_CA_file_is_trusted_from_the_next_connection()
    {
        using var second = _certificates.Issue(_certificates.SecondCa, "rotation-second", "CN=second ca client", [TestCertificates.ClientAuth]);
        var before = await Probe(second);

        Replace(_caPath, _certificates.CaBundlePath);
        var after = await Probe(second);

        Assert.Equal(TlsProbe.Refused, before.Outcome);
        Assert.Equal(Ok, Status(after));
    }

    private Task<TlsProbeResult> Probe(System.Security.Cryptography.X509Certificates.X509Certificate2 client) =>
        TlsProbe.GetAsync(_server.Port, client, path: _server.Address.AbsolutePath);

    private static string Status(TlsProbeResult result) => result.Outcome.StartsWith(Ok, StringComparison.Ordinal) ? Ok : result.Outcome;

    private string Copy(string source, string name)
    {
        var path = Path.Combine(_certificates.Directory, name);
        File.Copy(source, path);
        return path;
    }

    // In place, as most renewal tools write; the server must cope without an atomic rename.
    private static void Replace(string path, string source) => File.WriteAllText(path, File.ReadAllText(source));
}
