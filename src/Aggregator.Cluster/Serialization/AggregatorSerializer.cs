using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Aggregator.Actors;
using Aggregator.Actors.Protocol;
using Aggregator.Cluster.Protocol;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Serialization;

/// <summary>
/// The binary serializer for every Aggregator message that crosses nodes (a node collector's <c>Collect</c> and
/// <c>CollectReply</c>), so that snapshots never travel as JSON. Manifests carry a version; an unknown one throws
/// <see cref="SerializationException"/>. Replies are written in the current version and read in every earlier one, so
/// a node reads the replies of a node one version older during a rolling upgrade (the older node rejects the newer
/// manifest by name).
/// </summary>
public sealed class AggregatorSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's identifier, as bound in the configuration.</summary>
    public const int SerializerId = 1347;

    /// <summary>
    /// The manifest of <see cref="NodeCollectorProtocol.Collect"/> with a family filter, version 2. A request without
    /// one is still written as version 1, which nodes one version older read.
    /// </summary>
    public const string CollectManifest = "AC2";

    /// <summary>The manifest of <see cref="NodeCollectorProtocol.Collect"/>, version 1 (no family filter).</summary>
    public const string CollectManifestV1 = "AC1";

    /// <summary>
    /// The manifest of <see cref="NodeCollectorProtocol.CollectReply"/>, version 3 (native histograms), written only when
    /// the reply holds a native histogram: a node one version older refuses it by name (its serializer does not know the
    /// manifest and Akka logs that) and reads every other reply, written as <see cref="CollectReplyManifest"/>.
    /// </summary>
    public const string CollectReplyManifestV3 = "ACR3";

    /// <summary>The manifest of <see cref="NodeCollectorProtocol.CollectReply"/>, version 2 (families carry the per-node flag).</summary>
    public const string CollectReplyManifest = "ACR2";

    /// <summary>
    /// The manifest of <see cref="NodeCollectorProtocol.CollectReply"/> whose snapshot carries exemplars, version 4 (which
    /// also reads native histograms); a reply without exemplars is written as version 3 or 2, which older nodes read.
    /// </summary>
    public const string CollectReplyManifestV4 = "ACR4";

    /// <summary>The manifest of a chunk of a reply of changes that carries exemplars (internal), version 2.</summary>
    public const string ChangesChunkManifestV2 = "ACK2";

    /// <summary>The manifest of <see cref="NodeCollectorProtocol.CollectReply"/>, version 1 (no per-node flag), still read.</summary>
    public const string CollectReplyManifestV1 = "ACR1";

    /// <summary>The manifest of a request for a reply of changes (internal), version 1.</summary>
    public const string CollectChangesManifest = "ACH1";

    /// <summary>The manifest of a chunk of a reply of changes (internal), version 1.</summary>
    public const string ChangesChunkManifest = "ACK1";

    /// <summary>Creates the serializer for <paramref name="system"/>.</summary>
    public AggregatorSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        NodeCollectorProtocol.Collect { Families: null or { IsAll: true } } => CollectManifestV1,
        NodeCollectorProtocol.Collect => CollectManifest,
        NodeCollectorProtocol.CollectReply reply => SnapshotCodec.VersionFor(reply.Snapshot) switch
        {
            >= 4 => CollectReplyManifestV4,
            3 => CollectReplyManifestV3,
            _ => CollectReplyManifest,
        },
        ChangesProtocol.ChangesChunk { Exemplars: true } => ChangesChunkManifestV2,
        ChangesProtocol.CollectChanges => CollectChangesManifest,
        ChangesProtocol.ChangesChunk => ChangesChunkManifest,
        _ => throw new SerializationException($"AggregatorSerializer cannot serialize {o?.GetType().FullName ?? "null"}."),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => obj switch
    {
        NodeCollectorProtocol.Collect collect => SnapshotCodec.Encode(
            collect.Families is { IsAll: false } families ? [collect.Selection.Patterns, families.Names] : [collect.Selection.Patterns],
            null,
            collect.Timeout is { } timeout ? (long)timeout.TotalMilliseconds : -1),
        NodeCollectorProtocol.CollectReply reply => SnapshotCodec.Encode([reply.Answered, reply.Missing], reply.Snapshot, 0),
        ChangesProtocol.CollectChanges request => EncodeCollectChanges(request),
        ChangesProtocol.ChangesChunk chunk => EncodeChunk(chunk),
        _ => throw new SerializationException($"AggregatorSerializer cannot serialize {obj?.GetType().FullName ?? "null"}."),
    };

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        switch (manifest)
        {
            case CollectManifest:
            case CollectManifestV1:
            {
                // Version 2 adds a second list, the family filter's names; neither holds a snapshot.
                var v2 = manifest == CollectManifest;
                var (lists, _, timeoutMs) = SnapshotCodec.Decode(bytes, v2 ? 2 : 1, 1);
                return new NodeCollectorProtocol.Collect(
                    new WorkerSelection(lists[0]),
                    timeoutMs < 0 ? null : TimeSpan.FromMilliseconds(timeoutMs),
                    v2 ? new FamilyFilter(lists[1]) : null);
            }

            case CollectReplyManifestV4:
            case CollectReplyManifestV3:
            case CollectReplyManifest:
            case CollectReplyManifestV1:
            {
                var version = manifest switch
                {
                    CollectReplyManifestV1 => 1,
                    CollectReplyManifest => 2,
                    CollectReplyManifestV3 => 3,
                    _ => 4,
                };
                var (lists, snapshot, _) = SnapshotCodec.Decode(bytes, 2, version);
                return new NodeCollectorProtocol.CollectReply(
                    snapshot ?? throw new SerializationException("A CollectReply without a snapshot."),
                    lists[0],
                    lists[1]);
            }

            case CollectChangesManifest:
                return DecodeCollectChanges(bytes);

            case ChangesChunkManifest:
                return DecodeChunk(bytes);

            case ChangesChunkManifestV2:
                return DecodeChunk(bytes) with { Exemplars = true };

            default:
                throw new SerializationException($"AggregatorSerializer does not know manifest '{manifest}' (written by a newer Aggregator version?); the message is dropped.");
        }
    }

    private static byte[] EncodeCollectChanges(ChangesProtocol.CollectChanges request)
    {
        var body = new BinaryEncoder(128);
        body.WriteSigned(request.Exchange);
        body.WriteSigned(request.Session);
        body.WriteSigned(request.BaseSequence);
        body.WriteSigned((long)request.Timeout.TotalMilliseconds);
        body.WriteString(Akka.Serialization.Serialization.SerializedActorPath(request.ReplyTo));
        WriteStrings(body, request.Workers.Patterns);
        WriteStrings(body, request.Families.Names);
        return body.ToArray();
    }

    private ChangesProtocol.CollectChanges DecodeCollectChanges(byte[] bytes)
    {
        var reader = new BinaryDecoder(bytes);
        var exchange = reader.ReadSigned();
        var session = reader.ReadSigned();
        var baseSequence = reader.ReadSigned();
        var timeoutMs = reader.ReadSigned();
        var replyTo = system.Provider.ResolveActorRef(reader.ReadString());
        var workers = new WorkerSelection(ReadStrings(ref reader));
        var families = new FamilyFilter(ReadStrings(ref reader));
        // A node collection's timeout is seconds; past int.MaxValue ms (24 days) TimeSpan arithmetic downstream could overflow.
        if (!reader.AtEnd || timeoutMs is < 0 or > int.MaxValue)
        {
            throw new SerializationException($"A request for a reply of changes is corrupt (timeout {timeoutMs} ms, or bytes past its end).");
        }

        return new ChangesProtocol.CollectChanges(exchange, session, baseSequence, workers, families, TimeSpan.FromMilliseconds(timeoutMs), replyTo);
    }

    private static byte[] EncodeChunk(ChangesProtocol.ChangesChunk chunk)
    {
        var body = new BinaryEncoder(chunk.Bytes.Length + 32);
        body.WriteSigned(chunk.Exchange);
        body.WriteVarint(chunk.Index);
        body.WriteVarint(chunk.Count);
        body.WriteBytes(chunk.Bytes);
        return body.ToArray();
    }

    private static ChangesProtocol.ChangesChunk DecodeChunk(byte[] bytes)
    {
        var reader = new BinaryDecoder(bytes);
        var exchange = reader.ReadSigned();
        var index = reader.ReadCount(int.MaxValue);
        var count = reader.ReadCount(int.MaxValue);
        return new ChangesProtocol.ChangesChunk(exchange, index, count, bytes.AsSpan(reader.Position).ToArray());
    }

    private static void WriteStrings(BinaryEncoder body, IReadOnlyList<string> strings)
    {
        body.WriteVarint(strings.Count);
        foreach (var s in strings)
        {
            body.WriteString(s);
        }
    }

    private static string[] ReadStrings(ref BinaryDecoder reader)
    {
        var strings = new string[reader.ReadCount(SeriesCodec.MaxCount)];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = reader.ReadString();
        }

        return strings;
    }
}
