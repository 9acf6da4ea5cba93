using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aggregator.Hosting;

/// <summary>
/// Reads the Prometheus exporter toolkit's web configuration file (<c>--web.config.file</c> of node_exporter and
/// Prometheus): <c>tls_server_config</c>, <c>http_server_config</c>, <c>basic_auth_users</c> and <c>rate_limit</c>,
/// with the toolkit's keys, meanings and defaults, so that one file secures this server and the exporters beside it.
/// Relative file names are relative to the file's folder. An unknown key, a wrong value or a missing file is a <see
/// cref="WebConfigException"/> that names the file, the line and the key.
/// </summary>
public static class WebConfigFile
{
    // The headers the toolkit lets a file set, and the values it allows where it restricts them.
    private static readonly Dictionary<string, string[]> AllowedHeaders = new(StringComparer.Ordinal)
    {
        ["Strict-Transport-Security"] = [],
        ["X-Content-Type-Options"] = ["nosniff"],
        ["X-Frame-Options"] = ["deny", "sameorigin"],
        ["X-XSS-Protection"] = [],
        ["Content-Security-Policy"] = [],
    };

    /// <summary>Reads and checks the file at <paramref name="path"/>.</summary>
    /// <exception cref="WebConfigException">The file cannot be read or says something wrong; the message says where and what.</exception>
    public static WebConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new WebConfigException($"Web config file '{path}': {error.Message}", error);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return Parse(text, folder, path);
    }

    /// <summary>Reads web config text; relative file names in it are taken from <paramref name="folder"/>.</summary>
    /// <exception cref="WebConfigException">The text says something wrong; the message says where and what.</exception>
    public static WebConfig Parse(string yaml, string folder, string source = "web config")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(folder);
        var reader = new Reader(source, folder);
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException error)
        {
            throw new WebConfigException($"Web config file '{source}' line {error.Start.Line}: {error.Message}", error);
        }

        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            return new WebConfig();
        }

        try
        {
            return reader.Read(stream.Documents[0].RootNode);
        }
        catch (ArgumentException error)
        {
            throw new WebConfigException($"Web config file '{source}': {error.Message}", error);
        }
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private sealed class Reader(string source, string folder)
    {
        public WebConfig Read(YamlNode root)
        {
            var tls = (TlsOptions?)null;
            var http2 = true;
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            var users = new Dictionary<string, string>(StringComparer.Ordinal);
            RequestRateLimit? rateLimit = null;
            foreach (var (key, value, keyNode) in Mapping(root, "the top level"))
            {
                switch (key)
                {
                    case "tls_server_config":
                        tls = ReadTls(value);
                        break;
                    case "http_server_config":
                        (http2, headers) = ReadHttp(value);
                        break;
                    case "basic_auth_users":
                        users = ReadUsers(value);
                        break;
                    case "rate_limit":
                        rateLimit = ReadRateLimit(value);
                        break;
                    default:
                        throw Unknown(key, keyNode, "the top level", "tls_server_config, http_server_config, basic_auth_users, rate_limit");
                }
            }

            return new WebConfig
            {
                Tls = tls,
                Http2 = http2,
                Security = new MetricsSecurityOptions { BasicAuthUsers = users, ResponseHeaders = headers, RequestRateLimit = rateLimit },
            };
        }

        private TlsOptions? ReadTls(YamlNode node)
        {
            string? cert = null, key = null, clientCa = null, certFile = null, keyFile = null, clientCaFile = null;
            ClientAuthType? clientAuth = null;
            var tls = new TlsOptions();
            foreach (var (name, value, keyNode) in Mapping(node, "tls_server_config"))
            {
                switch (name)
                {
                    case "cert":
                        cert = String(value, name);
                        break;
                    case "key":
                        key = String(value, name);
                        break;
                    case "client_ca":
                        clientCa = String(value, name);
                        break;
                    case "cert_file":
                        certFile = File(value, name);
                        break;
                    case "key_file":
                        keyFile = File(value, name);
                        break;
                    case "client_ca_file":
                        clientCaFile = File(value, name);
                        break;
                    case "client_auth_type":
                        clientAuth = ClientAuth(value);
                        break;
                    case "client_allowed_sans":
                        tls = tls with { ClientAllowedSans = [.. Items(value, name).Select(item => String(item, name))] };
                        break;
                    case "min_version":
                        tls = tls with { MinVersion = Checked(value, name, GoTlsNames.Version) };
                        break;
                    case "max_version":
                        tls = tls with { MaxVersion = Checked(value, name, GoTlsNames.Version) };
                        break;
                    case "cipher_suites":
                        tls = tls with { CipherSuites = [.. Items(value, name).Select(item => Checked(item, name, GoTlsNames.CipherSuite))] };
                        break;
                    case "prefer_server_cipher_suites":
                        tls = tls with { PreferServerCipherSuites = Boolean(value, name) };
                        break;
                    case "curve_preferences":
                        tls = tls with { CurvePreferences = [.. Items(value, name).Select(item => Checked(item, name, GoTlsNames.Curve))] };
                        break;
                    default:
                        throw Unknown(name, keyNode, "tls_server_config", "cert_file, key_file, cert, key, client_auth_type, client_ca_file, client_ca, client_allowed_sans, min_version, max_version, cipher_suites, prefer_server_cipher_suites, curve_preferences");
                }
            }

            // As in the toolkit: a section that names no certificate, key, client policy or client CA means plain HTTP.
            if (cert is null && key is null && certFile is null && keyFile is null && clientAuth is null && clientCa is null && clientCaFile is null)
            {
                return null;
            }

            tls = tls with
            {
                CertificatePath = certFile,
                KeyPath = keyFile,
                CertificatePem = cert,
                KeyPem = key,
                ClientCaPath = clientCaFile,
                ClientCaPem = clientCa,

                // The toolkit's default: a client CA without a client_auth_type is then an error, as there.
                ClientAuthType = clientAuth ?? ClientAuthType.NoClientCert,
            };
            try
            {
                TlsServerConfig.Validate(tls);
            }
            catch (ArgumentException error)
            {
                throw Invalid(node, error.Message);
            }

            return tls;
        }

        private (bool Http2, Dictionary<string, string> Headers) ReadHttp(YamlNode node)
        {
            var http2 = true;
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value, keyNode) in Mapping(node, "http_server_config"))
            {
                switch (name)
                {
                    case "http2":
                        http2 = Boolean(value, name);
                        break;
                    case "headers":
                        foreach (var (header, headerValue, headerNode) in Mapping(value, "http_server_config.headers"))
                        {
                            if (!AllowedHeaders.TryGetValue(header, out var allowed))
                            {
                                throw Invalid(headerNode, $"the header '{header}' cannot be set; these can: {string.Join(", ", AllowedHeaders.Keys)}.");
                            }

                            var text = String(headerValue, header);
                            if (allowed.Length > 0 && !allowed.Contains(text, StringComparer.Ordinal))
                            {
                                throw Invalid(headerValue, $"the header '{header}' can be {string.Join(" or ", allowed)}, not '{text}'.");
                            }

                            headers[header] = text;
                        }

                        break;
                    default:
                        throw Unknown(name, keyNode, "http_server_config", "http2, headers");
                }
            }

            return (http2, headers);
        }

        private Dictionary<string, string> ReadUsers(YamlNode node)
        {
            var users = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (user, value, _) in Mapping(node, "basic_auth_users"))
            {
                var hash = String(value, user);
                try
                {
                    PasswordHash.Validate(hash);
                }
                catch (FormatException error)
                {
                    throw Invalid(value, $"basic_auth_users: user '{user}': {error.Message}");
                }

                users[user] = hash;
            }

            return users;
        }

        private RequestRateLimit? ReadRateLimit(YamlNode node)
        {
            var interval = TimeSpan.Zero;
            var burst = 0;
            foreach (var (name, value, keyNode) in Mapping(node, "rate_limit"))
            {
                switch (name)
                {
                    case "interval":
                        interval = Checked(value, name, GoDuration.Parse);
                        break;
                    case "burst":
                        burst = Checked(value, name, s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture));
                        break;
                    default:
                        throw Unknown(name, keyNode, "rate_limit", "interval, burst");
                }
            }

            // As in the toolkit, an interval of 0 turns the limiter off.
            if (interval == TimeSpan.Zero)
            {
                return null;
            }

            return burst >= 1 ? new RequestRateLimit(interval, burst) : throw Invalid(node, "rate_limit.burst must be at least 1 when rate_limit.interval is set.");
        }

        private IEnumerable<(string Key, YamlNode Value, YamlNode KeyNode)> Mapping(YamlNode node, string where)
        {
            if (IsNull(node))
            {
                yield break;
            }

            if (node is not YamlMappingNode mapping)
            {
                throw Invalid(node, $"{where} must be a mapping of keys to values.");
            }

            foreach (var (key, value) in mapping.Children)
            {
                yield return (key is YamlScalarNode { Value: { } name } ? name : throw Invalid(key, $"{where} has a key that is not a plain name."), value, key);
            }
        }

        private string String(YamlNode node, string key) =>
            node is YamlScalarNode { Value: { } value } && !IsNull(node) ? value : throw Invalid(node, $"'{key}' must be a string.");

        private string File(YamlNode node, string key)
        {
            var name = String(node, key);
            return Path.IsPathRooted(name) ? name : Path.GetFullPath(Path.Combine(folder, name));
        }

        private IList<YamlNode> Items(YamlNode node, string key)
        {
            if (IsNull(node))
            {
                return [];
            }

            return node is YamlSequenceNode sequence ? sequence.Children : throw Invalid(node, $"'{key}' must be a list.");
        }

        private bool Boolean(YamlNode node, string key) =>
            String(node, key).ToLowerInvariant() switch
            {
                "true" or "yes" or "on" or "y" => true,
                "false" or "no" or "off" or "n" => false,
                var other => throw Invalid(node, $"'{key}' must be true or false, not '{other}'."),
            };

        private ClientAuthType ClientAuth(YamlNode node) =>
            String(node, "client_auth_type") switch
            {
                "" or "NoClientCert" => ClientAuthType.NoClientCert,
                "RequestClientCert" => ClientAuthType.RequestClientCert,
                "RequireAnyClientCert" or "RequireClientCert" => ClientAuthType.RequireAnyClientCert,
                "VerifyClientCertIfGiven" => ClientAuthType.VerifyClientCertIfGiven,
                "RequireAndVerifyClientCert" => ClientAuthType.RequireAndVerifyClientCert,
                var other => throw Invalid(node, $"client_auth_type '{other}' is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert."),
            };

        private T Checked<T>(YamlNode node, string key, Func<string, T> read)
        {
            var text = String(node, key);
            try
            {
                return read(text);
            }
            catch (Exception error) when (error is ArgumentException or FormatException or OverflowException)
            {
                throw Invalid(node, $"'{key}': {error.Message}");
            }
        }

        private WebConfigException Unknown(string key, YamlNode keyNode, string where, string known) =>
            Invalid(keyNode, $"unknown key '{key}' in {where} (known keys: {known}).");

        private WebConfigException Invalid(YamlNode node, string message) =>
            new($"Web config file '{source}' line {node.Start.Line}: {message}");
    }
}
