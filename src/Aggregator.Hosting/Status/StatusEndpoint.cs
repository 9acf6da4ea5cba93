using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Cluster;
using Aggregator.Hosting.Http;
using Aggregator.Hosting.Status;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Hosting;

/// <summary>
/// Answers the status page (<c>text/html</c>) and its JSON document: it runs one collection of the configured selection
/// through the same source as the metrics endpoint (joining one in flight), then shows what the collectors published
/// about their last collections. Guarded like the metrics endpoint: response headers, rate limit, GET and HEAD only,
/// basic auth.
/// </summary>
public sealed class StatusEndpoint : IDisposable
{
    private readonly ActorSystem _system;
    private readonly IScrapeSource _source;
    private readonly StatusPageOptions _options;
    private readonly RequestGate _gate;
    private int _disposed;

    /// <summary>Creates the endpoint and turns on the collectors' recording of their last collection.</summary>
    /// <param name="system">The actor system whose collectors the page reports.</param>
    /// <param name="source">What the page collects before it renders; the cluster view when it is a <see cref="ClusterScrapeSource"/>.</param>
    /// <param name="security">The same security options as the metrics endpoint.</param>
    /// <param name="options">Path, refresh and list sizes.</param>
    /// <exception cref="ArgumentException">A password hash or a limit is not valid; the message names it.</exception>
    public StatusEndpoint(ActorSystem system, IScrapeSource source, MetricsSecurityOptions? security = null, StatusPageOptions? options = null)
    {
        _system = system ?? throw new ArgumentNullException(nameof(system));
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _options = options ?? new StatusPageOptions();
        _gate = RequestGate.For(security);
        AggregatorExtension.Get(system).Reports.Enabled = true;
        if (IsCluster)
        {
            AggregatorClusterExtension.Get(system).Reports.Enabled = true;
        }
    }

    private bool IsCluster => _source is ClusterScrapeSource;

    /// <summary>Serves the HTML page.</summary>
    public Task HandleHtmlAsync(HttpContext context) => HandleAsync(context, json: false);

    /// <summary>Serves the JSON document.</summary>
    public Task HandleJsonAsync(HttpContext context) => HandleAsync(context, json: true);

    private async Task HandleAsync(HttpContext context, bool json)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!await _gate.AdmitAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var error = await CollectAsync(context.RequestAborted).ConfigureAwait(false);
        var serving = new StatusReportBuilder.Serving(_gate.Security, context.Request.IsHttps, context.Connection.ClientCertificate is not null, _options.Path);
        var report = StatusReportBuilder.Build(_system, IsCluster, error, serving, _options);
        var response = context.Response;
        response.StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        byte[] body;
        if (json)
        {
            response.ContentType = "application/json; charset=utf-8";
            using var buffer = new MemoryStream();
            StatusJsonWriter.Write(report, buffer);
            body = buffer.ToArray();
        }
        else
        {
            // Only this response's own style and script run: nothing injected into it could, even unescaped.
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; form-action 'self'; base-uri 'none'";
            var filter = context.Request.Query["filter"].ToString();
            body = Encoding.UTF8.GetBytes(StatusHtmlRenderer.Render(report, _options, filter.Length == 0 ? null : filter, JsonPath(_options.Path), nonce));
        }

        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>The JSON document's path: the page's with <c>.json</c> appended.</summary>
    internal static string JsonPath(string path) => path.TrimEnd('/') + ".json";

    // The page shows what the collectors last published; one collection of the configured selection first makes that
    // current, and joins a scrape's collection when one is in flight.
    private async Task<string?> CollectAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _source.CollectAsync(new ScrapeRequest([], [], [], false, _source.CollectionTimeout), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception error) when (error is TimeoutException or AskTimeoutException or ClusterStateNotReadyException
            || (error is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return error.Message;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The gate may be shared with another endpoint: this endpoint lets go of it once.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _gate.Dispose();
        }
    }
}
