using System.Buffers;
using System.Text;
using Aggregator.Metrics.Exposition;
using Proto = Aggregator.Tests.Protobuf;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class Utf8ExpositionSpec
{
    private static WorkerRegistry NewRegistry()
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions
        {
            NameValidation = NameValidation.Utf8,
            TimeProvider = new ManualClock(1_700_000_000_500),
        }));
        registry.Counter("http.requests_total", "Requests", "http.method", "code").WithLabels("GET", "200").Inc(3);
        registry.Gauge("größe", "Size").Set(2);
        registry.Gauge("legacy_gauge", "Legacy", "a").WithLabels("x").Set(1);
        registry.Histogram("req.duration", new MetricOptions { Help = "Duration", Buckets = [0.5] }).Observe(0.25);
        return registry;
    }

    private static string Render(MetricRegistry registry, ExpositionFormat format, EscapingScheme escaping)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var written = ExpositionWriter.Write(registry.Collect(), format, buffer, escaping: escaping);
        Assert.Equal(buffer.WrittenCount, written);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Allow_utf_8_quotes_names_in_text()
    {
        Assert.Equal(
            """
            # HELP "größe" Size
            # TYPE "größe" gauge
            {"größe"} 2
            # HELP "http.requests_total" Requests
            # TYPE "http.requests_total" counter
            {"http.requests_total","http.method"="GET",code="200"} 3
            # HELP legacy_gauge Legacy
            # TYPE legacy_gauge gauge
            legacy_gauge{a="x"} 1
            # HELP "req.duration" Duration
            # TYPE "req.duration" histogram
            {"req.duration_bucket",le="0.5"} 1
            {"req.duration_bucket",le="+Inf"} 1
            {"req.duration_count"} 1
            {"req.duration_sum"} 0.25

            """,
            Render(NewRegistry(), ExpositionFormat.Text, EscapingScheme.AllowUtf8));
    }

    [Fact]
    public void Allow_utf_8_quotes_names_in_OpenMetrics()
    {
        Assert.Equal(
            """
            # HELP "größe" Size
            # TYPE "größe" gauge
            {"größe"} 2
            # HELP "http.requests" Requests
            # TYPE "http.requests" counter
            {"http.requests_total","http.method"="GET",code="200"} 3
            {"http.requests_created","http.method"="GET",code="200"} 1700000000.5
            # HELP legacy_gauge Legacy
            # TYPE legacy_gauge gauge
            legacy_gauge{a="x"} 1
            # HELP "req.duration" Duration
            # TYPE "req.duration" histogram
            {"req.duration_bucket",le="0.5"} 1
            {"req.duration_bucket",le="+Inf"} 1
            {"req.duration_count"} 1
            {"req.duration_sum"} 0.25
            {"req.duration_created"} 1700000000.5
            # EOF

            """,
            Render(NewRegistry(), ExpositionFormat.OpenMetrics, EscapingScheme.AllowUtf8));
    }

    [Fact]
    public void Underscores_is_the_default_and_escapes_the_family_name_before_its_suffixes()
    {
        const string Expected = """
            # HELP gr__e Size
            # TYPE gr__e gauge
            gr__e 2
            # HELP http_requests_total Requests
            # TYPE http_requests_total counter
            http_requests_total{http_method="GET",code="200"} 3
            # HELP legacy_gauge Legacy
            # TYPE legacy_gauge gauge
            legacy_gauge{a="x"} 1
            # HELP req_duration Duration
            # TYPE req_duration histogram
            req_duration_bucket{le="0.5"} 1
            req_duration_bucket{le="+Inf"} 1
            req_duration_count 1
            req_duration_sum 0.25

            """;
        var registry = NewRegistry();

        Assert.Equal(Expected, Render(registry, ExpositionFormat.Text, EscapingScheme.Underscores));
        Assert.Equal(Expected, Expose.Text(registry));
    }

    [Fact]
    public void Dots_and_values_in_text()
    {
        var registry = NewRegistry();

        Assert.Equal(
            """
            # HELP gr____e Size
            # TYPE gr____e gauge
            gr____e 2
            # HELP http_dot_requests_total Requests
            # TYPE http_dot_requests_total counter
            http_dot_requests_total{http_dot_method="GET",code="200"} 3
            # HELP legacy_gauge Legacy
            # TYPE legacy_gauge gauge
            legacy_gauge{a="x"} 1
            # HELP req_dot_duration Duration
            # TYPE req_dot_duration histogram
            req_dot_duration_bucket{le="0.5"} 1
            req_dot_duration_bucket{le="+Inf"} 1
            req_dot_duration_count 1
            req_dot_duration_sum 0.25

            """,
            Render(registry, ExpositionFormat.Text, EscapingScheme.Dots));
        Assert.Equal(
            """
            # HELP U__gr_f6__df_e Size
            # TYPE U__gr_f6__df_e gauge
            U__gr_f6__df_e 2
            # HELP U__http_2e_requests_total Requests
            # TYPE U__http_2e_requests_total counter
            U__http_2e_requests_total{U__http_2e_method="GET",code="200"} 3
            # HELP legacy_gauge Legacy
            # TYPE legacy_gauge gauge
            legacy_gauge{a="x"} 1
            # HELP U__req_2e_duration Duration
            # TYPE U__req_2e_duration histogram
            U__req_2e_duration_bucket{le="0.5"} 1
            U__req_2e_duration_bucket{le="+Inf"} 1
            U__req_2e_duration_count 1
            U__req_2e_duration_sum 0.25

            """,
            Render(registry, ExpositionFormat.Text, EscapingScheme.Values));
    }

    [Fact]
    public void Dots_in_OpenMetrics_keeps_each_sample_the_family_name_and_a_suffix()
    {
        Assert.Equal(
            """
            # HELP gr____e Size
            # TYPE gr____e gauge
            gr____e 2
            # HELP http_dot_requests Requests
            # TYPE http_dot_requests counter
            http_dot_requests_total{http_dot_method="GET",code="200"} 3
            http_dot_requests_created{http_dot_method="GET",code="200"} 1700000000.5
            # HELP legacy_gauge Legacy
            # TYPE legacy_gauge gauge
            legacy_gauge{a="x"} 1
            # HELP req_dot_duration Duration
            # TYPE req_dot_duration histogram
            req_dot_duration_bucket{le="0.5"} 1
            req_dot_duration_bucket{le="+Inf"} 1
            req_dot_duration_count 1
            req_dot_duration_sum 0.25
            req_dot_duration_created 1700000000.5
            # EOF

            """,
            Render(NewRegistry(), ExpositionFormat.OpenMetrics, EscapingScheme.Dots));
    }

    [Fact]
    public void Quoted_names_escape_backslash_quote_and_newline_and_a_utf8_label_on_a_legacy_name_opens_the_braces()
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { NameValidation = NameValidation.Utf8 }));
        registry.Gauge("say \"hi\"\\\n", "Odd").Set(1);
        registry.Gauge("plain", "Plain", "ünï").WithLabels("v").Set(2);

        Assert.Equal(
            """
            # HELP plain Plain
            # TYPE plain gauge
            plain{"ünï"="v"} 2
            # HELP "say \"hi\"\\\n" Odd
            # TYPE "say \"hi\"\\\n" gauge
            {"say \"hi\"\\\n"} 1

            """,
            Render(registry, ExpositionFormat.Text, EscapingScheme.AllowUtf8));
        Assert.Equal(
            """
            # HELP plain Plain
            # TYPE plain gauge
            plain{_n_="v"} 2
            # HELP say__hi___ Odd
            # TYPE say__hi___ gauge
            say__hi___ 1

            """,
            Render(registry, ExpositionFormat.Text, EscapingScheme.Underscores));
    }

    [Fact]
    public async Task Streaming_a_registry_escapes_as_writing_its_snapshot_does()
    {
        var registry = NewRegistry();
        foreach (var format in new[] { ExpositionFormat.Text, ExpositionFormat.OpenMetrics })
        {
            foreach (var escaping in Enum.GetValues<EscapingScheme>())
            {
                using var stream = new MemoryStream();
                var written = await ExpositionWriter.WriteAsync(registry, format, stream, escaping: escaping);

                Assert.Equal(stream.Length, written);
                Assert.Equal(Render(registry, format, escaping), Encoding.UTF8.GetString(stream.ToArray()));
            }
        }
    }

    [Fact]
    public void Protobuf_holds_the_names_as_the_scheme_gives_them_unquoted()
    {
        var registry = new WorkerRegistry(new MetricCatalog(new MetricsOptions { NameValidation = NameValidation.Utf8 }));
        registry.Gauge("a.b", "h", "c.d").WithLabels("v").Set(1);

        // MetricFamily{name, help "h", type GAUGE, metric{label{name, value "v"}, gauge{value 1.0}}}, length-delimited.
        Assert.Equal(
            Convert.FromHexString("21" + "0A03612E62" + "120168" + "1801" + "2215" + "0A08" + "0A03632E64" + "120176" + "1209" + "09000000000000F03F"),
            Bytes(registry, EscapingScheme.AllowUtf8));
        Assert.Equal(
            Convert.FromHexString("21" + "0A03615F62" + "120168" + "1801" + "2215" + "0A08" + "0A03635F64" + "120176" + "1209" + "09000000000000F03F"),
            Bytes(registry, EscapingScheme.Underscores));
        Assert.Equal(
            Convert.FromHexString("2D" + "0A09555F5F615F32655F62" + "120168" + "1801" + "221B" + "0A0E" + "0A09555F5F635F32655F64" + "120176" + "1209" + "09000000000000F03F"),
            Bytes(registry, EscapingScheme.Values));

        static byte[] Bytes(MetricRegistry registry, EscapingScheme escaping)
        {
            var buffer = new ArrayBufferWriter<byte>();
            ExpositionWriter.Write(registry.Collect(), ExpositionFormat.Protobuf, buffer, escaping: escaping);
            return buffer.WrittenSpan.ToArray();
        }
    }

    [Theory]
    [InlineData(EscapingScheme.AllowUtf8, "größe", "http.requests_total", "http.method", "req.duration")]
    [InlineData(EscapingScheme.Underscores, "gr__e", "http_requests_total", "http_method", "req_duration")]
    [InlineData(EscapingScheme.Dots, "gr____e", "http_dot_requests_total", "http_dot_method", "req_dot_duration")]
    [InlineData(EscapingScheme.Values, "U__gr_f6__df_e", "U__http_2e_requests_total", "U__http_2e_method", "U__req_2e_duration")]
    public void Protobuf_decodes_to_the_names_the_line_formats_write(EscapingScheme escaping, string gauge, string counter, string label, string histogram)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ExpositionWriter.Write(NewRegistry().Collect(), ExpositionFormat.Protobuf, buffer, escaping: escaping);
        using var stream = new MemoryStream(buffer.WrittenSpan.ToArray());
        var families = new List<Proto.MetricFamily>();
        while (stream.Position < stream.Length)
        {
            families.Add(Proto.MetricFamily.Parser.ParseDelimitedFrom(stream));
        }

        Assert.Equal([gauge, counter, "legacy_gauge", histogram], families.Select(f => f.Name));
        Assert.Equal([label, "code"], families[1].Metric.Single().Label.Select(l => l.Name));
        Assert.Equal(["a"], families[2].Metric.Single().Label.Select(l => l.Name));
        Assert.Equal(3, families[1].Metric.Single().Counter.Value);
    }
}
