using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class ContentNegotiationCasesSpec
{
    [Theory]
    [InlineData("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics)]
    [InlineData("APPLICATION/OpenMetrics-Text", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain", ExpositionFormat.Text)]
    [InlineData("text/plain;version=0.0.4", ExpositionFormat.Text)]
    [InlineData("text/*", ExpositionFormat.Text)]
    [InlineData("*/*", ExpositionFormat.Text)]
    [InlineData(null, ExpositionFormat.Text)]
    [InlineData("", ExpositionFormat.Text)]
    [InlineData("   ", ExpositionFormat.Text)]
    [InlineData("application/json", ExpositionFormat.Text)]
    [InlineData("application/json, application/xml;q=0.9", ExpositionFormat.Text)]
    [InlineData("garbage;;;,,", ExpositionFormat.Text)]
    public void ChooseFormat_reads_the_media_types(string? accept, ExpositionFormat expected) =>
        Assert.Equal(expected, ContentNegotiation.ChooseFormat(accept));

    [Theory]
    [InlineData("text/plain;q=0.5,application/openmetrics-text;q=0.6", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0.5,text/plain;q=0.6", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text;q=0.5, text/plain;q=0.5", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain;q=0.5, application/openmetrics-text;q=0.5", ExpositionFormat.Text)]
    [InlineData("text/plain, application/openmetrics-text", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text, text/plain", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text;q=0, text/plain;q=0", ExpositionFormat.Text)]
    [InlineData("*/*;q=0.1, application/openmetrics-text;q=0.2", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0.001", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text; Q=0.9 ,text/plain;q=0.8", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=abc, text/plain;q=0.1", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text;q=1.5, text/plain;q=0.1", ExpositionFormat.Text)]
    [InlineData("application/openmetrics-text;q=-1", ExpositionFormat.Text)]
    [InlineData("application/json;q=1, application/openmetrics-text;q=0.1", ExpositionFormat.OpenMetrics)]
    public void ChooseFormat_honours_q_values_and_takes_the_earlier_on_a_tie(string accept, ExpositionFormat expected) =>
        Assert.Equal(expected, ContentNegotiation.ChooseFormat(accept));

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("GZIP", true)]
    [InlineData("x-gzip", true)]
    [InlineData("gzip, deflate, br", true)]
    [InlineData("deflate, gzip;q=0.5", true)]
    [InlineData("gzip;q=0.001", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("gzip; q=0.0", false)]
    [InlineData("*", true)]
    [InlineData("*;q=0.5", true)]
    [InlineData("*;q=0", false)]
    [InlineData("identity", false)]
    [InlineData("deflate, br", false)]
    [InlineData("gzip;q=0, *", false)]
    [InlineData("*, gzip;q=0", false)]
    [InlineData("gzip, *;q=0", true)]
    [InlineData("gzip;q=0, x-gzip;q=0.5", true)]
    [InlineData("gzip;q=0.5, gzip;q=0", true)]
    [InlineData("gzip;q=bad", false)]
    [InlineData("identity;q=1, *;q=0", false)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    public void AcceptsGzip_honours_q_zero_and_the_wildcard(string? acceptEncoding, bool expected) =>
        Assert.Equal(expected, ContentNegotiation.AcceptsGzip(acceptEncoding));
}
