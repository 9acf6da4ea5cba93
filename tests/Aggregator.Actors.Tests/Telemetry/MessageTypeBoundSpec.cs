using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace Aggregator.Actors.Tests.Telemetry;

/// <summary>The message_type label is bounded per actor type and node, whatever the number of classes and workers.</summary>
public sealed class MessageTypeBoundSpec : TestKit
{
    private const string Config = """
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        aggregator.collection-timeout = 5s
        aggregator.collectors { process = off, runtime = off, meters = off }
        aggregator.telemetry { enabled = on, max-message-types = 50, timing-interval = 1 }
        """;

    public MessageTypeBoundSpec()
        : base(Config)
    {
    }

    [Fact]
    public async Task Ten_thousand_message_classes_sent_to_four_workers_produce_max_plus_one_series()
    {
        var workers = Enumerable.Range(0, 4).Select(i => Sys.ActorOf(Props.Create<AnyWorker>(), $"any-{i}")).ToArray();
        var classes = DistinctClasses.Create(10_000);
        Assert.Equal(10_000, classes.Distinct().Count());

        var sent = new List<Task<string>>();
        for (var i = 0; i < classes.Length; i++)
        {
            sent.Add(workers[i % workers.Length].Ask<string>(Activator.CreateInstance(classes[i])!, TimeSpan.FromSeconds(30)));
        }

        await Task.WhenAll(sent);
        var reply = await AggregatorExtension.Get(Sys).CollectAsync();
        var snapshot = reply.Snapshot;
        Assert.Empty(reply.Missing);

        var messages = snapshot.Find("akka_actor_messages")!.Series;
        var processing = snapshot.Find("akka_actor_processing_seconds")!.Series;
        Assert.Equal(51, messages.Count);
        Assert.Equal(51, processing.Count);
        Assert.Equal(10_000, processing.Sum(s => s.Count));
        Assert.Equal(10_000, messages.Sum(s => s.Value));
        Assert.Equal(9_950, TelemetryText.Value(snapshot, "akka_actor_messages", "AnyWorker", "other"));
        Assert.Equal(9_950, TelemetryText.Value(snapshot, "aggregator_telemetry_overflow_messages", "AnyWorker"));
        Assert.Equal(50, TelemetryText.Value(snapshot, "aggregator_telemetry_message_types", "AnyWorker"));
        Assert.All(messages.Where(s => s.LabelValues[1] != "other"), s => Assert.Equal(1, s.Value));
    }
}

/// <summary>Thousands of distinct message classes, made of generic pairs over ten marker classes.</summary>
public static class DistinctClasses
{
    private static readonly Type[] Digits =
        [typeof(D0), typeof(D1), typeof(D2), typeof(D3), typeof(D4), typeof(D5), typeof(D6), typeof(D7), typeof(D8), typeof(D9)];

    /// <summary>The first <paramref name="count"/> (at most 10,000) classes <c>Pair&lt;Pair&lt;Da,Db&gt;,Pair&lt;Dc,Dd&gt;&gt;</c>.</summary>
    public static Type[] Create(int count) =>
        [.. Enumerable.Range(0, count).Select(i =>
            typeof(Pair<,>).MakeGenericType(
                typeof(Pair<,>).MakeGenericType(Digits[i / 1000 % 10], Digits[i / 100 % 10]),
                typeof(Pair<,>).MakeGenericType(Digits[i / 10 % 10], Digits[i % 10])))];

#pragma warning disable CA1812, S2094 // Instantiated through reflection.
    public sealed class Pair<TFirst, TSecond>;

    public sealed class D0;

    public sealed class D1;

    public sealed class D2;

    public sealed class D3;

    public sealed class D4;

    public sealed class D5;

    public sealed class D6;

    public sealed class D7;

    public sealed class D8;

    public sealed class D9;
#pragma warning restore CA1812, S2094
}
