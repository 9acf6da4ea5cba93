using System.Runtime.Serialization;
using Aggregator.Cluster.Serialization;
using Aggregator.Metrics;

namespace Aggregator.Cluster.Tests.Serialization;

/// <summary>
/// Replies of changes against full replies: over random sequences of changes to a node's snapshot, with lost replies
/// and restarts of either side, whatever the asker decodes equals the snapshot the node encoded, series by series and
/// bit by bit.
/// </summary>
public sealed class ChangesCodecSpec
{
    private static readonly string[] Codes = ["200", "404", "500", "503"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Decoded_state_always_equals_the_full_snapshot_over_random_changes_losses_and_restarts(int seed)
    {
        var random = new Random(seed);
        var encoder = new ChangesCodec.Encoder();
        var decoder = new ChangesCodec.Decoder();
        var snapshot = RandomSnapshot(random);
        var (full, changes, lost, restarts) = (0, 0, 0, 0);
        for (var step = 0; step < 200; step++)
        {
            snapshot = Mutate(random, snapshot);
            var roll = random.Next(20);
            if (roll == 0)
            {
                encoder = new ChangesCodec.Encoder();
                restarts++;
            }
            else if (roll == 1)
            {
                decoder = new ChangesCodec.Decoder();
                restarts++;
            }

            var expectFull = decoder.Sequence == 0 || decoder.Sequence != encoder.Sequence;
            var bytes = encoder.Encode(decoder.Sequence, ["a"], ["b"], snapshot);
            if (roll == 2)
            {
                // Lost on the way: the node moved on, the asker did not; its next request must get a full reply.
                lost++;
                continue;
            }

            var decoded = decoder.Decode(bytes);

            Assert.Equal(expectFull, decoded.Full);
            Assert.Equal(["a"], decoded.Answered);
            Assert.Equal(["b"], decoded.Missing);
            SnapshotAssert.Equal(snapshot, decoded.Snapshot);
            SnapshotAssert.Equal(FullReply(snapshot), decoded.Snapshot);
            Assert.Equal(encoder.Sequence, decoder.Sequence);
            Assert.Equal(encoder.TableSize, decoder.TableSize);
            _ = decoded.Full ? full++ : changes++;
        }

        // The run exercised every path.
        Assert.True(full > 0 && changes > 100 && lost > 0 && restarts > 0, $"{full} full, {changes} changes, {lost} lost, {restarts} restarts");
    }

    [Fact]
    public void A_reply_of_changes_to_another_base_is_refused_and_the_next_reply_is_full()
    {
        var encoder = new ChangesCodec.Encoder();
        var decoder = new ChangesCodec.Decoder();
        var first = Counters(10, 1);
        decoder.Decode(encoder.Encode(0, [], [], first));
        var stale = encoder.Encode(decoder.Sequence, [], [], Counters(10, 2));
        decoder.Decode(encoder.Encode(decoder.Sequence - 1, [], [], Counters(10, 3)));

        var error = Assert.Throws<SerializationException>(() => decoder.Decode(stale));

        Assert.Equal("A reply of changes since reply 1 arrived, but the last reply decoded is 3.", error.Message);
        Assert.Equal(0, decoder.Sequence);
        var next = decoder.Decode(encoder.Encode(decoder.Sequence, [], [], Counters(10, 4)));
        Assert.True(next.Full);
        SnapshotAssert.Equal(Counters(10, 4), next.Snapshot);
    }

    [Fact]
    public void An_unchanged_snapshot_of_ten_thousand_series_costs_a_few_bytes_and_one_change_a_few_more()
    {
        var encoder = new ChangesCodec.Encoder();
        var decoder = new ChangesCodec.Decoder();
        var snapshot = Counters(10_000, 7);
        var fullBytes = encoder.Encode(0, [], [], snapshot);
        var first = decoder.Decode(fullBytes).Snapshot;

        var unchanged = encoder.Encode(decoder.Sequence, [], [], Counters(10_000, 7));
        var second = decoder.Decode(unchanged).Snapshot;
        var oneChanged = Counters(10_000, 7, changed: 5_000);
        var changed = encoder.Encode(decoder.Sequence, [], [], oneChanged);
        var third = decoder.Decode(changed).Snapshot;
        SnapshotAssert.Equal(oneChanged, third);

        // A family whose series were all kept decodes to the family decoded before, not to a copy; a changed series
        // keeps its label values array.
        Assert.Same(first.Families[0], second.Families[0]);
        Assert.NotSame(second.Families[0], third.Families[0]);
        Assert.Same(second.Families[0].Series[5_000].LabelValues, third.Families[0].Series[5_000].LabelValues);
        Assert.Equal(8.0, third.Families[0].Series[5_000].Value);

        // Header (kind 0: changes; sequence 2 and base 1 as zigzag varints; no new strings; two empty lists; one
        // family), then the family, patched (1): its index 0, one run (op 1) of 10,000 kept series, the end (op 0).
        Assert.Equal([0, 4, 2, 0, 0, 0, 1, 1, 0, 1, 0x90, 0x4E, 0], unchanged);

        // The same header and family, then: keep 5,000 (3 bytes), change one (op, flags, value: 3), keep 4,999 (3), end.
        Assert.Equal(19, changed.Length);
        Assert.True(fullBytes.Length > 100_000, $"{fullBytes.Length} B in full");
    }

    private static MetricsSnapshot FullReply(MetricsSnapshot snapshot)
    {
        var (_, back, _) = SnapshotCodec.Decode(SnapshotCodec.Encode([], snapshot, 0), 0, SnapshotCodec.CurrentVersion);
        return back!;
    }

    private static MetricsSnapshot Counters(int series, double value, int changed = -1)
    {
        var definition = new MetricDefinition(MetricType.Counter, "requests_total", "Requests", ["path"]);
        return new MetricsSnapshot([new MetricFamilySnapshot(
            definition,
            [.. Enumerable.Range(0, series).Select(i => SeriesSnapshot.ForValue([$"/p/{i:D5}"], i == changed ? value + 1 : value))])]);
    }

    private static MetricsSnapshot RandomSnapshot(Random random) =>
        new([.. Enumerable.Range(0, 4).Select(f => RandomFamily(random, f, random.Next(2)))]);

    private static MetricFamilySnapshot RandomFamily(Random random, int index, int helpVersion)
    {
        var type = (MetricType)(index % 4) switch
        {
            MetricType.Info => MetricType.Counter,
            var t => t,
        };
        var definition = new MetricDefinition(
            type,
            $"family_{index}" + (type == MetricType.Counter ? "_total" : string.Empty),
            $"help {helpVersion}",
            ["code", "path"],
            timestamped: type == MetricType.Gauge,
            buckets: type == MetricType.Histogram ? [0.5, 1, 5] : null);
        var labels = new SortedSet<(string, string)>();
        for (var i = random.Next(0, 12); i > 0; i--)
        {
            labels.Add((Codes[random.Next(Codes.Length)], $"/p{random.Next(8)}"));
        }

        return new MetricFamilySnapshot(definition, [.. labels.Select(l => RandomSeries(random, type, [l.Item1, l.Item2]))]);
    }

    private static SeriesSnapshot RandomSeries(Random random, MetricType type, string[] labels)
    {
        double Number() => random.Next(4) switch
        {
            0 => random.Next(1000),
            1 => random.NextDouble() * 1e6,
            2 => double.NaN,
            _ => -random.Next(100),
        };
        var created = random.Next(3) == 0 ? double.NaN : 1_700_000_000 + random.Next(1000) + (random.Next(2) * 0.25);
        switch (type)
        {
            case MetricType.Histogram:
                var buckets = new long[4];
                long running = 0;
                for (var b = 0; b < buckets.Length; b++)
                {
                    buckets[b] = running += random.Next(5);
                }

                return SeriesSnapshot.ForHistogram(labels, buckets, Math.Abs(Number()), createdSeconds: created);
            case MetricType.Summary:
                return SeriesSnapshot.ForSummary(labels, random.Next(100), Math.Abs(Number()), createdSeconds: created);
            case MetricType.Gauge:
                return SeriesSnapshot.ForValue(labels, Number(), 1_700_000_000_000 + random.Next(100_000));
            default:
                return SeriesSnapshot.ForValue(labels, random.Next(10_000), createdSeconds: created);
        }
    }

    // Changes a few series' values, adds and removes series, and now and then replaces a family (a new HELP: a new
    // definition) or drops one.
    private static MetricsSnapshot Mutate(Random random, MetricsSnapshot snapshot)
    {
        var families = new List<MetricFamilySnapshot>();
        foreach (var family in snapshot.Families)
        {
            var index = int.Parse(family.Name.Split('_')[1], System.Globalization.CultureInfo.InvariantCulture);
            switch (random.Next(30))
            {
                case 0:
                    continue;
                case 1:
                    families.Add(RandomFamily(random, index, random.Next(3)));
                    continue;
            }

            var series = new SortedDictionary<(string, string), SeriesSnapshot>();
            foreach (var s in family.Series)
            {
                var key = (s.LabelValues[0], s.LabelValues[1]);
                var roll = random.Next(10);
                if (roll == 0)
                {
                    continue;
                }

                series[key] = roll == 1 ? RandomSeries(random, family.Definition.Type, [key.Item1, key.Item2]) : s;
            }

            if (random.Next(3) == 0)
            {
                var key = (Codes[random.Next(Codes.Length)], $"/p{random.Next(8)}");
                series[key] = RandomSeries(random, family.Definition.Type, [key.Item1, key.Item2]);
            }

            families.Add(new MetricFamilySnapshot(family.Definition, [.. series.Values]));
        }

        if (families.Count < 4 && random.Next(4) == 0)
        {
            var missing = Enumerable.Range(0, 4).First(i => families.All(f => f.Name != $"family_{i}"));
            families.Add(RandomFamily(random, missing, 0));
        }

        return new MetricsSnapshot(families);
    }
}
