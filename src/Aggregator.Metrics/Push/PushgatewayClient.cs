using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Push;

/// <summary>
/// Pushes snapshots to a Prometheus Pushgateway: <see cref="PushAsync(MetricsSnapshot, CancellationToken)"/> (PUT,
/// replaces the group), <see cref="PushAddAsync(MetricsSnapshot, CancellationToken)"/> (POST, replaces the pushed
/// families only) and <see cref="DeleteAsync"/> (DELETE, removes the group). Bodies are text 0.0.4 without
/// timestamps, which the gateway refuses. Results tell success from failure and never throw for a network error.
/// </summary>
public sealed class PushgatewayClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Creates a client; the gateway, job and grouping key are checked here.</summary>
    /// <exception cref="ArgumentException">The gateway, job or a grouping label is invalid; the message names it.</exception>
    public PushgatewayClient(PushgatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Url = GroupUrl(ParseGateway(options.Gateway), options.Job, options.GroupingKey);
        _http = new HttpClient(options.Handler ?? new SocketsHttpHandler(), disposeHandler: true) { Timeout = options.Timeout };
    }

    /// <summary>The group's URL: <c>http(s)://host:port/metrics/job/JOB[/LABEL/VALUE…]</c>.</summary>
    public Uri Url { get; }

    /// <summary>Parses a gateway given as <c>host</c>, <c>host:port</c> or <c>http(s)://host:port</c>.</summary>
    /// <exception cref="ArgumentException">Anything else: another scheme, a path, a query, a bad port, no host.</exception>
    public static Uri ParseGateway(string gateway)
    {
        if (string.IsNullOrWhiteSpace(gateway))
        {
            throw new ArgumentException("The Pushgateway address is empty.", nameof(gateway));
        }

        var text = gateway.Trim();
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host)
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0
            || uri.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                $"Invalid Pushgateway address '{gateway}': expected host, host:port, http://host:port or https://host:port.",
                nameof(gateway));
        }

        // Uri fills in 80/443 for a missing port; the Pushgateway's default is 9091.
        var explicitPort = HasExplicitPort(withScheme, uri);
        return new UriBuilder(uri.Scheme, uri.Host, explicitPort ? uri.Port : PushgatewayOptions.DefaultPort).Uri;
    }

    /// <summary>PUT: replaces every metric of the group with <paramref name="snapshot"/>.</summary>
    public Task<PushResult> PushAsync(MetricsSnapshot snapshot, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, snapshot, cancellationToken);

    /// <summary>PUT of a registry's current snapshot.</summary>
    public Task<PushResult> PushAsync(MetricRegistry registry, CancellationToken cancellationToken = default) =>
        PushAsync(Collect(registry), cancellationToken);

    /// <summary>POST: replaces only the group's metrics that <paramref name="snapshot"/> names.</summary>
    public Task<PushResult> PushAddAsync(MetricsSnapshot snapshot, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, snapshot, cancellationToken);

    /// <summary>POST of a registry's current snapshot.</summary>
    public Task<PushResult> PushAddAsync(MetricRegistry registry, CancellationToken cancellationToken = default) =>
        PushAddAsync(Collect(registry), cancellationToken);

    /// <summary>DELETE: removes the whole group.</summary>
    public Task<PushResult> DeleteAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, null, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static MetricsSnapshot Collect(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Collect();
    }

    private static bool HasExplicitPort(string text, Uri uri)
    {
        var authority = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
        return authority.EndsWith(":" + uri.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static Uri GroupUrl(Uri gateway, string job, IReadOnlyDictionary<string, string> groupingKey)
    {
        if (string.IsNullOrEmpty(job))
        {
            throw new ArgumentException("The Pushgateway job name is empty.", nameof(job));
        }

        var path = new StringBuilder("/metrics");
        AppendLabel(path, "job", job);
        foreach (var (name, value) in groupingKey ?? new Dictionary<string, string>())
        {
            if (!MetricNames.IsValidLabelName(name) || name == "job")
            {
                throw new ArgumentException($"Invalid grouping label name '{name}'.", nameof(groupingKey));
            }

            AppendLabel(path, name, value ?? throw new ArgumentException($"Grouping label '{name}' has a null value.", nameof(groupingKey)));
        }

        return new Uri(gateway, path.ToString());
    }

    private static void AppendLabel(StringBuilder path, string name, string value)
    {
        // A value with "/" (or an empty one) cannot stand in a path segment: the Pushgateway takes it base64url-encoded
        // after "name@base64", where "=" stands for the empty string.
        if (value.Length == 0 || value.Contains('/', StringComparison.Ordinal))
        {
            var encoded = value.Length == 0 ? "=" : Base64Url(value);
            path.Append('/').Append(name).Append("@base64/").Append(encoded);
            return;
        }

        path.Append('/').Append(name).Append('/').Append(Uri.EscapeDataString(value));
    }

    private static string Base64Url(string value) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).Replace('+', '-').Replace('/', '_');

    private async Task<PushResult> SendAsync(HttpMethod method, MetricsSnapshot? snapshot, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Url);
        if (snapshot is not null)
        {
            var body = new ArrayBufferWriter<byte>();
            ExpositionWriter.Write(snapshot, ExpositionFormat.Text, body, includeTimestamps: false);
            var content = new ByteArrayContent(body.WrittenSpan.ToArray());
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(ExpositionWriter.TextContentType);
            request.Content = content;
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var message = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new PushResult(response.IsSuccessStatusCode, (int)response.StatusCode, message.Trim(), Url);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var what = error is TaskCanceledException ? $"no answer within {_http.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s" : error.Message;
            return new PushResult(false, 0, what, Url);
        }
    }
}
