using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class ContentNegotiationSpec
{
    [Theory]
    [InlineData("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain;version=0.0.4;q=1,application/openmetrics-text;q=0.9", ExpositionFormat.Text)]
    [InlineData("text/plain;q=0.5,application/openmetrics-text;q=0.6", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0.5,text/plain;q=0.5", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain;q=0.5,application/openmetrics-text;q=0.5", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text;q=0", ExpositionFormat.Text)]
    [InlineData("text/plain", ExpositionFormat.Text)]
    [InlineData("*/*", ExpositionFormat.Text)]
    [InlineData("application/json", ExpositionFormat.Text)]
    [InlineData("", ExpositionFormat.Text)]
    [InlineData(null, ExpositionFormat.Text)]
    [InlineData("APPLICATION/OPENMETRICS-TEXT", ExpositionFormat.OpenMetrics)]
    public void The_format_follows_accept_with_q_values(string? accept, ExpositionFormat expected) =>
        Assert.Equal(expected, ContentNegotiation.ChooseFormat(accept));

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("gzip, deflate, br", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("gzip;q=0, *", false)]
    [InlineData("*", true)]
    [InlineData("*;q=0", false)]
    [InlineData("identity", false)]
    [InlineData("deflate;q=1, gzip;q=0.1", true)]
    [InlineData("x-gzip", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Gzip_only_when_accept_encoding_allows_it(string? acceptEncoding, bool expected) =>
        Assert.Equal(expected, ContentNegotiation.AcceptsGzip(acceptEncoding));

    [Fact]
    public void The_content_types_are_exact()
    {
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", ExpositionWriter.ContentType(ExpositionFormat.Text));
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionWriter.ContentType(ExpositionFormat.OpenMetrics));
    }

    [Fact]
    public void The_name_filter_matches_family_and_sample_names()
    {
        var registry = new WorkerRegistry();
        registry.Counter("requests_total", "R").Inc();
        registry.Histogram("latency", new MetricOptions { Buckets = [1] }).Observe(1);
        registry.Gauge("other").Set(1);
        var snapshot = registry.Collect();

        Assert.Equal(["latency", "requests"], NameFilter.Apply(snapshot, ["requests_total", "latency_bucket"]).Families.Select(f => f.Name));
        Assert.Equal(["requests"], NameFilter.Apply(snapshot, ["requests"]).Families.Select(f => f.Name));
        Assert.Same(snapshot, NameFilter.Apply(snapshot, []));
        Assert.Same(snapshot, NameFilter.Apply(snapshot, [string.Empty]));
        Assert.Empty(NameFilter.Apply(snapshot, ["nothing"]).Families);
    }

    [Fact]
    public async Task Writing_asynchronously_gives_the_same_bytes_as_writing_at_once()
    {
        var registry = new WorkerRegistry();
        var gauge = registry.Gauge("g", "G", "k");
        for (var i = 0; i < 5000; i++)
        {
            gauge.WithLabels("series-" + i).Set(i * 0.5);
        }

        var snapshot = registry.Collect();
        using var stream = new MemoryStream();
        var written = await ExpositionWriter.WriteAsync(snapshot, ExpositionFormat.OpenMetrics, stream);

        Assert.Equal(Expose.Render(snapshot, ExpositionFormat.OpenMetrics), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        Assert.Equal(stream.Length, written);
    }
}
