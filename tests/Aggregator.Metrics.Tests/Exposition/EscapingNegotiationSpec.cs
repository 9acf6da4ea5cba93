using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class EscapingNegotiationSpec
{
    // What Prometheus 3 sends by default: escaping only on the 1.0.0 ranges.
    private const string Prometheus3 =
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    [Theory]
    [InlineData(null, ExpositionFormat.Text, EscapingScheme.Underscores)]
    [InlineData("", ExpositionFormat.Text, EscapingScheme.Underscores)]
    [InlineData(Prometheus3, ExpositionFormat.OpenMetrics, EscapingScheme.AllowUtf8)]
    [InlineData("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", ExpositionFormat.OpenMetrics, EscapingScheme.Underscores)]
    [InlineData("text/plain;version=0.0.4;escaping=allow-utf-8", ExpositionFormat.Text, EscapingScheme.AllowUtf8)]
    [InlineData("text/plain; escaping=dots", ExpositionFormat.Text, EscapingScheme.Dots)]
    [InlineData("application/openmetrics-text; escaping=values", ExpositionFormat.OpenMetrics, EscapingScheme.Values)]
    [InlineData("application/openmetrics-text; escaping=underscores", ExpositionFormat.OpenMetrics, EscapingScheme.Underscores)]
    [InlineData("application/openmetrics-text; escaping=\"allow-utf-8\"", ExpositionFormat.OpenMetrics, EscapingScheme.AllowUtf8)]
    [InlineData("application/openmetrics-text; escaping=bogus", ExpositionFormat.OpenMetrics, EscapingScheme.Underscores)]
    [InlineData("application/openmetrics-text; escaping=Allow-UTF-8", ExpositionFormat.OpenMetrics, EscapingScheme.Underscores)]
    [InlineData("*/*; escaping=allow-utf-8", ExpositionFormat.Text, EscapingScheme.AllowUtf8)]
    [InlineData("text/plain;escaping=allow-utf-8;q=0.1, application/openmetrics-text;version=1.0.0", ExpositionFormat.OpenMetrics, EscapingScheme.Underscores)]
    [InlineData("application/openmetrics-text;escaping=allow-utf-8, text/*;escaping=dots", ExpositionFormat.OpenMetrics, EscapingScheme.AllowUtf8)]
    [InlineData("text/*;escaping=dots, text/plain;version=0.0.4", ExpositionFormat.Text, EscapingScheme.Underscores)]
    [InlineData("text/plain;escaping=values;q=0.5, text/plain;escaping=dots;q=0.9", ExpositionFormat.Text, EscapingScheme.Dots)]
    [InlineData("application/openmetrics-text;version=2.0.0;escaping=allow-utf-8", ExpositionFormat.Text, EscapingScheme.Underscores)]
    [InlineData("image/png;escaping=allow-utf-8", ExpositionFormat.Text, EscapingScheme.Underscores)]
    [InlineData("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;escaping=allow-utf-8,text/plain;q=0.5", ExpositionFormat.Protobuf, EscapingScheme.AllowUtf8)]
    [InlineData("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,text/plain;escaping=values;q=0.5", ExpositionFormat.Protobuf, EscapingScheme.Underscores)]
    public void The_escaping_comes_from_the_range_that_decided_the_format(string? accept, ExpositionFormat format, EscapingScheme escaping)
    {
        Assert.Equal(new Negotiation(format, escaping), ContentNegotiation.Negotiate(accept));
        Assert.Equal(format, ContentNegotiation.ChooseFormat(accept));
    }

    [Theory]
    [InlineData(ExpositionFormat.Text, EscapingScheme.Underscores, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores")]
    [InlineData(ExpositionFormat.Text, EscapingScheme.AllowUtf8, "text/plain; version=0.0.4; charset=utf-8; escaping=allow-utf-8")]
    [InlineData(ExpositionFormat.Text, EscapingScheme.Dots, "text/plain; version=0.0.4; charset=utf-8; escaping=dots")]
    [InlineData(ExpositionFormat.Text, EscapingScheme.Values, "text/plain; version=0.0.4; charset=utf-8; escaping=values")]
    [InlineData(ExpositionFormat.OpenMetrics, EscapingScheme.Underscores, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=underscores")]
    [InlineData(ExpositionFormat.OpenMetrics, EscapingScheme.AllowUtf8, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=allow-utf-8")]
    [InlineData(ExpositionFormat.OpenMetrics, EscapingScheme.Dots, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=dots")]
    [InlineData(ExpositionFormat.OpenMetrics, EscapingScheme.Values, "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=values")]
    [InlineData(ExpositionFormat.Protobuf, EscapingScheme.Underscores, "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=underscores")]
    [InlineData(ExpositionFormat.Protobuf, EscapingScheme.AllowUtf8, "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; escaping=allow-utf-8")]
    public void The_content_type_states_the_escaping_used(ExpositionFormat format, EscapingScheme escaping, string expected)
    {
        Assert.Equal(expected, new Negotiation(format, escaping).ContentType);
        Assert.Same(ExpositionWriter.ContentType(format, escaping), ExpositionWriter.ContentType(format, escaping));
    }
}
