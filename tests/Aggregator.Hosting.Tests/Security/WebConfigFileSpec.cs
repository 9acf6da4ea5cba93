using System.Net.Security;
using System.Security.Authentication;

namespace Aggregator.Hosting.Tests.Security;

/// <summary>The exporter toolkit's web config file: its keys, defaults and errors.</summary>
public sealed class WebConfigFileSpec
{
    private const string Folder = "/etc/aggregator";
    private static readonly string Hash = PasswordHash.Create("secret", 4);

    [Fact]
    public void Every_key_is_read_with_relative_files_taken_from_the_files_folder()
    {
        var config = WebConfigFile.Parse(
            $$"""
            tls_server_config:
              cert_file: server.crt
              key_file: /keys/server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca/bundle.pem
              client_allowed_sans: [prometheus.example, 10.0.0.1]
              min_version: TLS13
              max_version: TLS13
              cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
              prefer_server_cipher_suites: false
              curve_preferences: [X25519, CurveP256]
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: deny
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              prometheus: {{Hash}}
            rate_limit:
              interval: 250ms
              burst: 20
            """,
            Folder);

        var tls = config.Tls!;
        Assert.Equal("/etc/aggregator/server.crt", tls.CertificatePath);
        Assert.Equal("/keys/server.key", tls.KeyPath);
        Assert.Equal("/etc/aggregator/ca/bundle.pem", tls.ClientCaPath);
        Assert.Null(tls.CertificatePem);
        Assert.Equal(ClientAuthType.RequireAndVerifyClientCert, tls.ClientAuthType);
        Assert.Equal(["prometheus.example", "10.0.0.1"], tls.ClientAllowedSans);
        Assert.Equal(SslProtocols.Tls13, tls.MinVersion);
        Assert.Equal(SslProtocols.Tls13, tls.MaxVersion);
        Assert.Equal([TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384], tls.CipherSuites);
        Assert.False(tls.PreferServerCipherSuites);
        Assert.Equal(["X25519", "CurveP256"], tls.CurvePreferences);
        Assert.False(config.Http2);
        Assert.Equal(
            new Dictionary<string, string> { ["X-Frame-Options"] = "deny", ["Strict-Transport-Security"] = "max-age=31536000" },
            config.Security.ResponseHeaders);
        Assert.Equal(new Dictionary<string, string> { ["prometheus"] = Hash }, config.Security.BasicAuthUsers);
        Assert.Equal(new RequestRateLimit(TimeSpan.FromMilliseconds(250), 20), config.Security.RequestRateLimit);
    }

    [Fact]
    public void The_toolkits_defaults_apply_to_what_the_file_leaves_out()
    {
        var config = WebConfigFile.Parse("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n", Folder);

        var tls = config.Tls!;
        Assert.Equal(ClientAuthType.NoClientCert, tls.ClientAuthType);
        Assert.Equal(SslProtocols.Tls12, tls.MinVersion);
        Assert.Equal(SslProtocols.Tls13, tls.MaxVersion);
        Assert.Empty(tls.CipherSuites);
        Assert.True(tls.PreferServerCipherSuites);
        Assert.True(config.Http2);
        Assert.Empty(config.Security.BasicAuthUsers);
        Assert.Empty(config.Security.ResponseHeaders);
        Assert.Null(config.Security.RequestRateLimit);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment\n")]
    [InlineData("tls_server_config:\nbasic_auth_users:\n")]
    [InlineData("tls_server_config:\n  min_version: TLS13\n")]
    [InlineData("rate_limit:\n  interval: 0\n  burst: 5\n")]
    public void A_file_without_certificate_or_users_means_plain_http_without_auth(string yaml)
    {
        var config = WebConfigFile.Parse(yaml, Folder, "web.yml");

        Assert.Null(config.Tls);
        Assert.Empty(config.Security.BasicAuthUsers);
        Assert.Null(config.Security.RequestRateLimit);
    }

    [Fact]
    public void Inline_certificate_key_and_client_ca_are_read_as_text()
    {
        var config = WebConfigFile.Parse(
            "tls_server_config:\n  cert: |\n    CERT\n  key: KEY\n  client_ca: CA\n  client_auth_type: VerifyClientCertIfGiven\n", Folder);

        Assert.Equal("CERT\n", config.Tls!.CertificatePem);
        Assert.Equal("KEY", config.Tls.KeyPem);
        Assert.Equal("CA", config.Tls.ClientCaPem);
        Assert.Null(config.Tls.CertificatePath);
        Assert.Equal(ClientAuthType.VerifyClientCertIfGiven, config.Tls.EffectiveClientAuthType);
    }

    [Theory]
    [InlineData("RequireClientCert", ClientAuthType.RequireAnyClientCert)]
    [InlineData("RequireAnyClientCert", ClientAuthType.RequireAnyClientCert)]
    [InlineData("RequestClientCert", ClientAuthType.RequestClientCert)]
    [InlineData("NoClientCert", ClientAuthType.NoClientCert)]
    public void Client_auth_types_take_the_toolkits_names(string name, ClientAuthType expected) =>
        Assert.Equal(expected, WebConfigFile.Parse($"tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: {name}\n", Folder).Tls!.ClientAuthType);

    [Theory]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  cert_flie: c\n", "Web config file 'web.yml' line 4: unknown key 'cert_flie' in tls_server_config (known keys: cert_file, key_file, cert, key, client_auth_type, client_ca_file, client_ca, client_allowed_sans, min_version, max_version, cipher_suites, prefer_server_cipher_suites, curve_preferences).")]
    [InlineData("basic_auth_user:\n  a: b\n", "Web config file 'web.yml' line 1: unknown key 'basic_auth_user' in the top level (known keys: tls_server_config, http_server_config, basic_auth_users, rate_limit).")]
    [InlineData("http_server_config:\n  http3: true\n", "Web config file 'web.yml' line 2: unknown key 'http3' in http_server_config (known keys: http2, headers).")]
    [InlineData("tls_server_config:\n  key_file: b\n", "Web config file 'web.yml' line 2: TLS needs a server certificate: set cert_file (CertificatePath) or cert (CertificatePem).")]
    [InlineData("tls_server_config:\n  cert_file: a\n", "Web config file 'web.yml' line 2: TLS needs a server key: set key_file (KeyPath) or key (KeyPem).")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca.pem\n", "Web config file 'web.yml' line 2: The client CA client_ca_file (ClientCaPath) '/etc/aggregator/ca.pem' is set, but client_auth_type is NoClientCert, so no client certificate would be asked for: set client_auth_type (e.g. RequireAndVerifyClientCert) or remove the client CA.")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAll\n", "Web config file 'web.yml' line 4: client_auth_type 'RequireAll' is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert.")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n", "Web config file 'web.yml' line 4: 'min_version': Unknown TLS version 'TLS14': expected one of TLS10, TLS11, TLS12, TLS13.")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12\n", "Web config file 'web.yml' line 2: min_version TLS13 is above max_version TLS12: no TLS version would be left.")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: [P256]\n", "Web config file 'web.yml' line 4: 'curve_preferences': Unknown curve 'P256': expected one of CurveP256, CurveP384, CurveP521, X25519.")]
    [InlineData("http_server_config:\n  headers:\n    X-Frame-Options: allow\n", "Web config file 'web.yml' line 3: the header 'X-Frame-Options' can be deny or sameorigin, not 'allow'.")]
    [InlineData("http_server_config:\n  headers:\n    Server: aggregator\n", "Web config file 'web.yml' line 3: the header 'Server' cannot be set; these can: Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Content-Security-Policy.")]
    [InlineData("http_server_config:\n  http2: maybe\n", "Web config file 'web.yml' line 2: 'http2' must be true or false, not 'maybe'.")]
    [InlineData("basic_auth_users:\n  alice: wonderland\n", "Web config file 'web.yml' line 2: basic_auth_users: user 'alice': A password hash must be a bcrypt hash ('$2y$10$…') or look like 'pbkdf2-sha256$ITERATIONS$SALT$HASH' (not a plain password).")]
    [InlineData("rate_limit:\n  interval: 1 second\n  burst: 2\n", "Web config file 'web.yml' line 2: 'interval': '1 second' has no unit or an unknown one; use ns, us, ms, s, m or h.")]
    [InlineData("rate_limit:\n  interval: 1s\n", "Web config file 'web.yml' line 2: rate_limit.burst must be at least 1 when rate_limit.interval is set.")]
    [InlineData("tls_server_config: [a, b]\n", "Web config file 'web.yml' line 1: tls_server_config must be a mapping of keys to values.")]
    public void A_wrong_file_is_an_error_that_names_the_line_and_the_key(string yaml, string message) =>
        Assert.Equal(message, Assert.Throws<WebConfigException>(() => WebConfigFile.Parse(yaml, Folder, "web.yml")).Message);

    [Fact]
    public void A_bcrypt_hash_with_a_cost_out_of_range_names_the_user()
    {
        var error = Assert.Throws<WebConfigException>(() => WebConfigFile.Parse(
            "basic_auth_users:\n  bob: $2y$03$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi\n", Folder, "web.yml"));

        Assert.Equal("Web config file 'web.yml' line 2: basic_auth_users: user 'bob': A bcrypt hash's cost must be between 4 and 31, not 3.", error.Message);
    }

    [Fact]
    public void A_missing_file_is_an_error_that_names_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "aggregator-no-such-web.yml");

        var error = Assert.Throws<WebConfigException>(() => WebConfigFile.Load(missing));

        Assert.StartsWith($"Web config file '{missing}': Could not find file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_and_tls_or_users_in_the_options_at_once_is_an_error()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, $"basic_auth_users:\n  prometheus: {Hash}\n");
            var users = new MetricsSecurityOptions { BasicAuthUsers = new Dictionary<string, string> { ["x"] = Hash } };

            var error = Assert.Throws<WebConfigException>(() => WebConfig.Resolve(file, null, users));
            Assert.Equal($"The web config file '{file}' is set, so TLS and basic-auth users belong in it, not also in the options.", error.Message);

            // The limits the file format has no keys for still come from the options.
            var limits = new MetricsSecurityOptions { PasswordAttempts = new PasswordAttemptLimit { Burst = 9 }, Realm = "ops" };
            var resolved = WebConfig.Resolve(file, null, limits);
            Assert.Equal(9, resolved.Security.PasswordAttempts.Burst);
            Assert.Equal("ops", resolved.Security.Realm);
            Assert.Equal(["prometheus"], resolved.Security.BasicAuthUsers.Keys);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
