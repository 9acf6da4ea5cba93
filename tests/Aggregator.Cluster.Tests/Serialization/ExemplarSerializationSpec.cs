using System.Runtime.Serialization;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster.Protocol;
using Aggregator.Cluster.Serialization;
using Aggregator.Metrics;
using Xunit.Abstractions;

namespace Aggregator.Cluster.Tests.Serialization;

/// <summary>
/// Exemplars across nodes: a reply whose snapshot has exemplars travels as version 4 (ACR4, or ACK2 for chunks of
/// replies of changes) and round-trips exactly; a reply without them is written byte for byte as version 2 under the
/// version-2 manifest, so a node one version older reads it; an unknown manifest is refused by name.
/// </summary>
public sealed class ExemplarSerializationSpec : TestKit
{
    private static readonly Config SystemConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        """).WithFallback(AggregatorClusterSettings.DefaultConfig());

    public ExemplarSerializationSpec(ITestOutputHelper output)
        : base(SystemConfig, output: output)
    {
    }

    [Fact]
    public void A_reply_with_exemplars_round_trips_exactly_as_version_4()
    {
        var snapshot = WithExemplars();
        var reply = new NodeCollectorProtocol.CollectReply(snapshot, ["a"], []);
        var serializer = Sys.Serialization.FindSerializerFor(reply);

        var bytes = serializer.ToBinary(reply);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, reply);
        var back = Assert.IsType<NodeCollectorProtocol.CollectReply>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest));

        Assert.Equal("ACR4", manifest);
        SnapshotAssert.Equal(snapshot, back.Snapshot);
        Assert.Equal(
            "{trace_id=\"0af7651916cd43dd8448eb211c80319c\",span_id=\"b7ad6b7169203331\"} 0.25 @1700000000123 from [worker=/user/w1,node=akka.tcp://agg@127.0.0.1:1]",
            back.Snapshot.Find("latency_seconds")!.Series[0].Exemplars[0]!.ToString());
        Assert.Null(back.Snapshot.Find("latency_seconds")!.Series[0].Exemplars[1]);
        Assert.Equal("{user=\"ünï\"} NaN @-5 from []", back.Snapshot.Find("latency_seconds")!.Series[0].Exemplars[2]!.ToString());
    }

    [Fact]
    public void A_reply_without_exemplars_is_still_version_2_byte_for_byte()
    {
        var snapshot = WithExemplars(exemplars: false);
        var reply = new NodeCollectorProtocol.CollectReply(snapshot, [], ["b"]);
        var serializer = (AggregatorSerializer)Sys.Serialization.FindSerializerFor(reply);

        var bytes = serializer.ToBinary(reply);

        Assert.Equal("ACR2", serializer.Manifest(reply));
        var back = Assert.IsType<NodeCollectorProtocol.CollectReply>(serializer.FromBinary(bytes, "ACR2"));
        SnapshotAssert.Equal(snapshot, back.Snapshot);

        // The same series with exemplars differ only by the flag and the exemplars behind each series.
        var withBytes = serializer.ToBinary(new NodeCollectorProtocol.CollectReply(WithExemplars(), [], ["b"]));
        Assert.True(withBytes.Length > bytes.Length);
    }

    [Fact]
    public void Chunks_of_replies_of_changes_with_exemplars_travel_under_their_own_manifest()
    {
        var chunk = new ChangesProtocol.ChangesChunk(3, 0, 1, [1, 2, 3], Exemplars: true);
        var serializer = (AggregatorSerializer)Sys.Serialization.FindSerializerFor(chunk);

        Assert.Equal("ACK2", serializer.Manifest(chunk));
        Assert.Equal("ACK1", serializer.Manifest(chunk with { Exemplars = false }));
        var back = Assert.IsType<ChangesProtocol.ChangesChunk>(serializer.FromBinary(serializer.ToBinary(chunk), "ACK2"));
        Assert.True(back.Exemplars);
        Assert.Equal([1, 2, 3], back.Bytes);
    }

    [Fact]
    public void Replies_of_changes_carry_a_changed_exemplar_as_a_change()
    {
        var encoder = new ChangesCodec.Encoder();
        var decoder = new ChangesCodec.Decoder();
        var first = WithExemplars();
        decoder.Decode(encoder.Encode(0, [], [], first));

        // Only the counter's exemplar changes: the series is re-sent with it, the histogram is kept.
        var counter = first.Find("requests")!;
        var changed = counter.Series[0].WithExemplars([new ExemplarSnapshot([new("trace_id", "ffffffffffffffffffffffffffffffff")], 9, 1_700_000_009_000)]);
        var second = new MetricsSnapshot([first.Find("latency_seconds")!, new MetricFamilySnapshot(counter.Definition, [changed])]);
        var decoded = decoder.Decode(encoder.Encode(decoder.Sequence, [], [], second));

        Assert.False(decoded.Full);
        SnapshotAssert.Equal(second, decoded.Snapshot);
        Assert.Equal("{trace_id=\"ffffffffffffffffffffffffffffffff\"} 9 @1700000009000 from []", decoded.Snapshot.Find("requests")!.Series[0].Exemplars[0]!.ToString());
    }

    [Fact]
    public void Exemplars_of_a_shape_the_family_cannot_have_are_not_sent()
    {
        // A custom collector's gauge with an exemplar, and a counter with two cells: neither goes on the wire.
        var gauge = new MetricFamilySnapshot(
            new MetricDefinition(MetricType.Gauge, "temperature", "T"),
            [SeriesSnapshot.ForValue([], 21).WithExemplars([new ExemplarSnapshot([new("trace_id", "x")], 21, 1)])]);
        var counter = new MetricFamilySnapshot(
            new MetricDefinition(MetricType.Counter, "c_total", "C"),
            [SeriesSnapshot.ForValue([], 2).WithExemplars([null, new ExemplarSnapshot([new("trace_id", "y")], 2, 1)])]);
        var reply = new NodeCollectorProtocol.CollectReply(new MetricsSnapshot([counter, gauge]), [], []);
        var serializer = (AggregatorSerializer)Sys.Serialization.FindSerializerFor(reply);

        var back = Assert.IsType<NodeCollectorProtocol.CollectReply>(serializer.FromBinary(serializer.ToBinary(reply), serializer.Manifest(reply)));

        Assert.Equal("ACR2", serializer.Manifest(reply));
        Assert.All(back.Snapshot.Families, f => Assert.Empty(f.Series[0].Exemplars));
        Assert.Equal(21, back.Snapshot.Find("temperature")!.Series[0].Value);
    }

    [Fact]
    public void A_manifest_of_a_later_version_is_refused_by_name()
    {
        var serializer = (AggregatorSerializer)Sys.Serialization.FindSerializerFor(new NodeCollectorProtocol.CollectReply(MetricsSnapshot.Empty, [], []));

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary([0], "ACR5"));

        Assert.Equal("AggregatorSerializer does not know manifest 'ACR5' (written by a newer Aggregator version?); the message is dropped.", error.Message);
    }

    private static MetricsSnapshot WithExemplars(bool exemplars = true)
    {
        var latency = new MetricDefinition(MetricType.Histogram, "latency_seconds", "Latency", [], buckets: [0.5, 1]);
        var requests = new MetricDefinition(MetricType.Counter, "requests_total", "Requests", ["code"]);
        var histogram = SeriesSnapshot.ForHistogram([], [1, 1, 2], 3.25, createdSeconds: 1_700_000_000);
        var counter = SeriesSnapshot.ForValue(["200"], 7, 1_700_000_000_500);
        if (exemplars)
        {
            histogram = histogram.WithExemplars(
            [
                new ExemplarSnapshot(
                    [new("trace_id", "0af7651916cd43dd8448eb211c80319c"), new("span_id", "b7ad6b7169203331")],
                    0.25,
                    1_700_000_000_123,
                    [new("worker", "/user/w1"), new("node", "akka.tcp://agg@127.0.0.1:1")]),
                null,
                new ExemplarSnapshot([new("user", "ünï")], double.NaN, -5),
            ]);
            counter = counter.WithExemplars([new ExemplarSnapshot([new("trace_id", "0af7651916cd43dd8448eb211c80319c")], 7, 1_700_000_000_400)]);
        }

        return new MetricsSnapshot([new MetricFamilySnapshot(latency, [histogram]), new MetricFamilySnapshot(requests, [counter])]);
    }
}
