using System.Buffers;
using System.Net.Http.Headers;

namespace Aggregator.Benchmarks;

/// <summary>One text-format scrape over HTTP, the same request for every server measured.</summary>
internal static class HttpScrape
{
    /// <summary>A GET asking for the text format 0.0.4 only, so no server answers in OpenMetrics instead.</summary>
    public static HttpRequestMessage TextRequest(Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("text/plain; version=0.0.4"));
        return request;
    }

    /// <summary>Scrapes <paramref name="uri"/> and reads the whole body; returns its length in bytes.</summary>
    public static async Task<long> TextAsync(HttpClient client, Uri uri)
    {
        using var request = TextRequest(uri);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
