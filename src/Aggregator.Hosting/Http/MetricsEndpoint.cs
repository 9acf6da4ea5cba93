using System.Globalization;
using System.IO.Compression;
using Aggregator.Cluster;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Hosting.Http;

/// <summary>
/// Answers one scrape: GET or HEAD (405 otherwise), format from <c>Accept</c>, gzip from <c>Accept-Encoding</c>,
/// <c>name[]</c>, <c>worker</c>, <c>node</c>, <c>role</c> and <c>scope=node</c> query parameters, timeout capped by <c>X-Prometheus-Scrape-Timeout-Seconds</c>.
/// The body is streamed; up to 1 MiB it goes out with an exact Content-Length.
/// </summary>
public sealed class MetricsEndpoint : IDisposable
{
    /// <summary>The header Prometheus sends with its scrape timeout in seconds.</summary>
    public const string ScrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds";

    // Bodies up to this size are sent with Content-Length; larger ones are streamed chunked as they are written.
    private const int ContentLengthLimit = 1024 * 1024;

    // The share of Prometheus' scrape timeout the collection may use, leaving the rest for writing and the network.
    private const double ScrapeTimeoutShare = 0.9;

    private static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(1);

    private readonly IScrapeSource _source;
    private readonly RequestGate _gate;
    private int _disposed;

    /// <summary>
    /// Creates an endpoint serving <paramref name="source"/>, behind basic auth when <paramref name="security"/> names
    /// users, and with its request rate limit and response headers.
    /// </summary>
    /// <exception cref="ArgumentException">A password hash or a limit is not valid; the message names it.</exception>
    public MetricsEndpoint(IScrapeSource source, MetricsSecurityOptions? security = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _gate = RequestGate.For(security);
    }

    /// <summary>Handles the request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var response = context.Response;
        if (!await _gate.AdmitAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var head = HttpMethods.IsHead(request.Method);
        var scrape = new ScrapeRequest(
            Values(request.Query["worker"]),
            Values(request.Query["node"]),
            Values(request.Query["role"]),
            string.Equals(request.Query["scope"], "node", StringComparison.Ordinal),
            Timeout(request),
            new FamilyFilter(request.Query["name[]"]));
        MetricsSnapshot snapshot;
        try
        {
            snapshot = await _source.CollectAsync(scrape, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception error) when (error is TimeoutException or Akka.Actor.AskTimeoutException or TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            await UnavailableAsync(response, $"Collection did not finish: {error.Message}", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        catch (ClusterStateNotReadyException error)
        {
            // A failed scrape records no sample; a scrape answered without the departed members' totals would record a reset.
            await UnavailableAsync(response, error.Message, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // The sources here filter at the source already; a source of one's own may not, and then this pass does.
        snapshot = scrape.Families!.Apply(snapshot);
        var negotiated = ContentNegotiation.Negotiate(request.Headers.Accept);
        var gzip = ContentNegotiation.AcceptsGzip(request.Headers.AcceptEncoding);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = negotiated.ContentType;
        response.Headers.Vary = "Accept, Accept-Encoding";
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        await WriteBodyAsync(context, snapshot, negotiated, gzip, head).ConfigureAwait(false);
    }

    private static async Task WriteBodyAsync(HttpContext context, MetricsSnapshot snapshot, Negotiation negotiated, bool gzip, bool head)
    {
        var response = context.Response;
        var cancel = context.RequestAborted;

        // HEAD renders the body only to count it.
        await using var spill = new SpillStream(() => head ? Stream.Null : response.Body, ContentLengthLimit);
        if (gzip)
        {
            var compressed = new GZipStream(spill, CompressionLevel.Fastest, leaveOpen: true);
            await using (compressed.ConfigureAwait(false))
            {
                await ExpositionWriter.WriteAsync(snapshot, negotiated.Format, compressed, escaping: negotiated.Escaping, cancellationToken: cancel).ConfigureAwait(false);
            }
        }
        else
        {
            await ExpositionWriter.WriteAsync(snapshot, negotiated.Format, spill, escaping: negotiated.Escaping, cancellationToken: cancel).ConfigureAwait(false);
        }

        if (head)
        {
            response.ContentLength = spill.Length;
            return;
        }

        await spill.CompleteAsync(length => response.ContentLength = length, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// The collection timeout of a scrape: 90% of <c>X-Prometheus-Scrape-Timeout-Seconds</c>, at least 1 ms and at most
    /// the configured timeout. A header that is not a positive finite number (garbage, 0, negative, NaN, infinite) is
    /// ignored; one too large for a <see cref="TimeSpan"/> is capped like any other above the configured timeout.
    /// </summary>
    private TimeSpan Timeout(HttpRequest request)
    {
        var configured = _source.CollectionTimeout;
        if (!request.Headers.TryGetValue(ScrapeTimeoutHeader, out var header)
            || !double.TryParse(header.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !(seconds > 0)
            || !double.IsFinite(seconds))
        {
            return configured;
        }

        // Compared as seconds before any TimeSpan is made: TimeSpan.FromSeconds throws on values above ~29,000 years.
        var share = seconds * ScrapeTimeoutShare;
        if (share >= configured.TotalSeconds)
        {
            return configured;
        }

        // Below a millisecond the fan-out could not ask anyone, and a cluster request carries whole milliseconds only.
        var capped = TimeSpan.FromSeconds(share);
        return capped < MinimumTimeout ? MinimumTimeout : capped;
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

    /// <summary>How many passwords this endpoint has verified, for specs of the credential cache.</summary>
    internal long PasswordVerifications => _gate.Authentication.Verifications;

    private static string[] Values(Microsoft.Extensions.Primitives.StringValues values) =>
        [.. values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)];

    private static async Task UnavailableAsync(HttpResponse response, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message + "\n", cancellationToken).ConfigureAwait(false);
    }
}
