using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster.Collection;
using Aggregator.Cluster.Serialization;
using Aggregator.Metrics;
using Xunit.Abstractions;

namespace Aggregator.Cluster.Tests.Serialization;

/// <summary>Native histograms across nodes: snapshot format version 3, written only when a snapshot holds one.</summary>
public sealed class NativeSerializationSpec : TestKit
{
    private static readonly Config SystemConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        """).WithFallback(AggregatorClusterSettings.DefaultConfig());

    public NativeSerializationSpec(ITestOutputHelper output)
        : base(SystemConfig, output: output)
    {
    }

    [Fact]
    public void A_reply_with_native_histograms_round_trips_exactly_under_manifest_ACR3()
    {
        var reply = new NodeCollectorProtocol.CollectReply(Natives(seed: 1), ["w1", "w2"], ["w3"]);
        var serializer = Sys.Serialization.FindSerializerFor(reply);

        var bytes = serializer.ToBinary(reply);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, reply);
        var back = Assert.IsType<NodeCollectorProtocol.CollectReply>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest));

        Assert.Equal("ACR3", manifest);
        Assert.Equal(AggregatorSerializer.CollectReplyManifestV3, manifest);
        SnapshotAssert.Equal(reply.Snapshot, back.Snapshot);
        Assert.Equal(["w1", "w2"], back.Answered);
        Assert.Equal(["w3"], back.Missing);
    }

    [Fact]
    public void A_reply_without_native_histograms_stays_ACR2_so_older_nodes_read_it()
    {
        var registry = new WorkerRegistry();
        registry.Histogram("h", new MetricOptions { Buckets = [1] }).Observe(0.5);
        var reply = new NodeCollectorProtocol.CollectReply(registry.Collect(), [], []);
        var serializer = (AggregatorSerializer)Sys.Serialization.FindSerializerFor(reply);

        Assert.Equal("ACR2", serializer.Manifest(reply));
        var (_, back, _) = SnapshotCodec.Decode(serializer.ToBinary(reply), 2, 2);
        SnapshotAssert.Equal(reply.Snapshot, back!);
    }

    [Fact]
    public void A_version_2_reader_refuses_a_native_family_with_a_message_naming_it()
    {
        var bytes = SnapshotCodec.Encode([], Natives(seed: 2), 0);

        var error = Assert.Throws<SerializationException>(() => SnapshotCodec.Decode(bytes, 0, 2));

        Assert.Equal("Family 'latency_seconds' has unknown flags 0x04 for snapshot format version 2 (written by a newer Aggregator?).", error.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Replies_of_changes_carry_native_histograms_as_their_buckets_change(int seed)
    {
        var encoder = new ChangesCodec.Encoder();
        var decoder = new ChangesCodec.Decoder();
        var random = new Random(seed);
        var registry = Recording(out var latency, out var sizes);
        for (var step = 0; step < 40; step++)
        {
            for (var i = random.Next(0, 20); i > 0; i--)
            {
                latency.WithLabels(random.Next(2) == 0 ? "GET" : "PUT").Observe(random.NextDouble() * 10);
                sizes.Observe(random.Next(-1000, 100_000));
            }

            var snapshot = registry.Collect();
            var decoded = decoder.Decode(encoder.Encode(decoder.Sequence, [], [], snapshot));
            SnapshotAssert.Equal(snapshot, decoded.Snapshot);
            Assert.Equal(step == 0, decoded.Full);
        }
    }

    [Fact]
    public void A_departed_nodes_ledger_entry_is_version_3_only_with_native_histograms()
    {
        var address = new Address("akka.tcp", "agg", "127.0.0.1", 2552);
        var plain = new WorkerRegistry();
        plain.Counter("c", "C").Inc();

        Assert.Equal(3, DepartedLedger.EncodeDeparted(address, ["r"], 5, Natives(seed: 6))[0]);
        Assert.Equal(2, DepartedLedger.EncodeDeparted(address, ["r"], 5, plain.Collect())[0]);
    }

    private static MetricsSnapshot Natives(int seed)
    {
        var registry = Recording(out var latency, out var sizes);
        var random = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            latency.WithLabels(random.Next(2) == 0 ? "GET" : "PUT").Observe(random.NextDouble() * 10);
            sizes.Observe(random.Next(-1000, 100_000));
        }

        latency.WithLabels("GET").Observe(double.NaN);
        latency.WithLabels("PUT").Observe(double.PositiveInfinity);
        return registry.Collect();
    }

    private static WorkerRegistry Recording(out Histogram latency, out Histogram sizes)
    {
        var registry = new WorkerRegistry();
        latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "Latency.", LabelNames = ["method"], Buckets = [0.1, 1], NativeHistogram = new NativeHistogramOptions { Schema = 5 } });
        sizes = registry.Histogram("size_bytes", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = -1, ZeroThreshold = 0.5, MaxBucketCount = 200 } });
        return registry;
    }
}
