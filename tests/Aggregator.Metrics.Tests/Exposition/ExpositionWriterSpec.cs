using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class ExpositionWriterSpec
{
    [Fact]
    public void Content_types()
    {
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", ExpositionWriter.TextContentType);
        Assert.Equal("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionWriter.OpenMetricsContentType);
        Assert.Equal(ExpositionWriter.TextContentType, ExpositionWriter.ContentType(ExpositionFormat.Text));
        Assert.Equal(ExpositionWriter.OpenMetricsContentType, ExpositionWriter.ContentType(ExpositionFormat.OpenMetrics));
        Assert.Equal("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited", ExpositionWriter.ProtobufContentType);
        Assert.Equal(ExpositionWriter.ProtobufContentType, ExpositionWriter.ContentType(ExpositionFormat.Protobuf));
    }

    [Fact]
    public void Write_checks_its_arguments()
    {
        Assert.Equal("snapshot", Assert.Throws<ArgumentNullException>(() => ExpositionWriter.Write(null!, ExpositionFormat.Text, new ArrayBufferWriter<byte>())).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentNullException>(() => ExpositionWriter.Write(MetricsSnapshot.Empty, ExpositionFormat.Text, null!)).ParamName);
    }

    [Fact]
    public async Task WriteAsync_checks_its_arguments()
    {
        using var stream = new MemoryStream();
        Assert.Equal("stream", (await Assert.ThrowsAsync<ArgumentNullException>(() => ExpositionWriter.WriteAsync(MetricsSnapshot.Empty, ExpositionFormat.Text, (Stream)null!).AsTask())).ParamName);
        Assert.Equal("snapshot", (await Assert.ThrowsAsync<ArgumentNullException>(() => ExpositionWriter.WriteAsync((MetricsSnapshot)null!, ExpositionFormat.Text, stream).AsTask())).ParamName);
        Assert.Equal("output", (await Assert.ThrowsAsync<ArgumentNullException>(() => ExpositionWriter.WriteAsync(MetricsSnapshot.Empty, ExpositionFormat.Text, (PipeWriter)null!).AsTask())).ParamName);
    }

    [Fact]
    public void Write_appends_to_what_the_buffer_holds_and_counts_only_its_own_bytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("prefix\n"u8);
        var written = ExpositionWriter.Write(MetricsSnapshot.Empty, ExpositionFormat.OpenMetrics, buffer);
        Assert.Equal(6, written);
        Assert.Equal("prefix\n# EOF\n"u8.ToArray(), buffer.WrittenSpan.ToArray());
    }

    private static MetricsSnapshot Large()
    {
        var registry = Registries.Worker(clock: new ManualClock(1_700_000_000_123));
        var requests = registry.Counter("requests_total", new MetricOptions { Help = "Requests \"all\"", LabelNames = ["path", "code"], Timestamped = true });
        var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency", LabelNames = ["path"], Buckets = [0.1, 1, 10] });
        for (var i = 0; i < 5_000; i++)
        {
            var path = "/path/\u00e9/" + i.ToString("D5", CultureInfo.InvariantCulture);
            requests.WithLabels(path, (200 + (i % 3)).ToString(CultureInfo.InvariantCulture)).Inc(i);
            if (i % 5 == 0)
            {
                latency.WithLabels(path).Observe(i / 1000.0);
            }
        }

        registry.Gauge("zzz_last", "Last").Set(0.5);
        return registry.Collect();
    }

    [Theory]
    [InlineData(ExpositionFormat.Text, true)]
    [InlineData(ExpositionFormat.OpenMetrics, true)]
    [InlineData(ExpositionFormat.Text, false)]
    [InlineData(ExpositionFormat.OpenMetrics, false)]
    [InlineData(ExpositionFormat.Protobuf, true)]
    [InlineData(ExpositionFormat.Protobuf, false)]
    public async Task WriteAsync_to_a_stream_is_byte_identical_to_Write(ExpositionFormat format, bool includeTimestamps)
    {
        var snapshot = Large();
        Assert.Equal(5_000, snapshot.Find("requests")!.Series.Count);
        var expected = Expose.Bytes(snapshot, format, includeTimestamps);

        using var stream = new CountingStream();
        var written = await ExpositionWriter.WriteAsync(snapshot, format, stream, includeTimestamps);

        Assert.Equal(stream.Length, written);
        Assert.Equal(expected.Length, written);
        Assert.Equal(expected, stream.ToArray());
        Assert.True(stream.Writes > 1, $"expected the exposition to be streamed in several writes, got {stream.Writes}");
        Assert.True(stream.LargestWrite < expected.Length / 2, $"largest write {stream.LargestWrite} of {expected.Length}");

        // The stream is left open for the caller.
        stream.WriteByte(0);
    }

    [Fact]
    public async Task WriteAsync_to_a_pipe_is_byte_identical_to_Write()
    {
        var snapshot = Large();
        var expected = Expose.Bytes(snapshot, ExpositionFormat.OpenMetrics);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var written = await ExpositionWriter.WriteAsync(snapshot, ExpositionFormat.OpenMetrics, pipe.Writer);
        await pipe.Writer.CompleteAsync();

        using var received = new MemoryStream();
        await pipe.Reader.CopyToAsync(received);
        Assert.Equal(expected.Length, written);
        Assert.Equal(expected, received.ToArray());
    }

    [Fact]
    public async Task WriteAsync_of_small_expositions_matches_Write()
    {
        var registry = Registries.Worker();
        registry.Info("build", "B", "v").Set("1");
        registry.Counter("empty", "E", "k");
        foreach (var snapshot in new[] { MetricsSnapshot.Empty, registry.Collect() })
        {
            foreach (var format in new[] { ExpositionFormat.Text, ExpositionFormat.OpenMetrics, ExpositionFormat.Protobuf })
            {
                using var stream = new MemoryStream();
                var written = await ExpositionWriter.WriteAsync(snapshot, format, stream);
                Assert.Equal(Expose.Bytes(snapshot, format), stream.ToArray());
                Assert.Equal(stream.Length, written);
            }
        }
    }

    [Fact]
    public async Task WriteAsync_honours_cancellation()
    {
        using var stream = new MemoryStream();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ExpositionWriter.WriteAsync(Large(), ExpositionFormat.Text, stream, cancellationToken: cts.Token).AsTask());
    }

    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public int LargestWrite { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Count(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Count(buffer.Length);
            base.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Count(count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }

        private void Count(int count)
        {
            Writes++;
            LargestWrite = Math.Max(LargestWrite, count);
        }
    }
}
