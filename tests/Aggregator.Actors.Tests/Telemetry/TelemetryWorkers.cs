using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics;
using Aggregator.Tests.Support;

namespace Aggregator.Actors.Tests.Telemetry;

/// <summary>Messages of the telemetry specs.</summary>
public static class Shop
{
    public sealed record PlaceOrder(int Number);

    public sealed record CancelOrder(int Number);

    public sealed record Reserve(int Item);

    public sealed record Fail;

    public sealed record Unknown;

    public sealed record Release;
}

/// <summary>Handles orders and answers "done"; throws on <see cref="Shop.Fail"/>; does not handle <see cref="Shop.Unknown"/>.</summary>
public sealed class OrderWorker : MeteredReceiveActor
{
    public OrderWorker()
    {
        Receive<Shop.PlaceOrder>(_ => Sender.Tell("done"));
        Receive<Shop.CancelOrder>(_ => Sender.Tell("done"));
        Receive<Shop.Fail>(_ => throw new InvalidOperationException("failing on purpose"));
        Receive<string>(s => Sender.Tell(s));
    }
}

/// <summary>Handles reservations and answers "done".</summary>
public sealed class StockWorker : MeteredReceiveActor
{
    public StockWorker() => Receive<Shop.Reserve>(_ => Sender.Tell("done"));
}

/// <summary>Handles any message and answers "done" (the cardinality spec sends it thousands of classes).</summary>
public sealed class AnyWorker : MeteredUntypedActor
{
    protected override void OnReceive(object message) => Sender.Tell("done");
}

/// <summary>Stashes every order until <see cref="Shop.Release"/>; answers "stashed" to strings.</summary>
public sealed class StashingWorker : MeteredReceiveActor, IWithUnboundedStash
{
    public StashingWorker()
    {
        Receive<Shop.PlaceOrder>(_ => Stash.Stash());
        Receive<Shop.Release>(_ =>
        {
            Become(() =>
            {
                Receive<Shop.PlaceOrder>(_ => { });
                Receive<string>(s => Sender.Tell(s));
            });
            Stash.UnstashAll();
        });
        Receive<string>(s => Sender.Tell(s));
    }

    public IStash Stash { get; set; } = null!;
}

/// <summary>A plain (not metered) actor that blocks on a gate, so that messages queue in its mailbox.</summary>
public sealed class GatedActor : ReceiveActor
{
    public GatedActor(ManualResetEventSlim gate) => ReceiveAny(_ => gate.Wait(TimeSpan.FromSeconds(20)));
}

/// <summary>The lines of a rendered exposition that belong to the given samples, for exact comparisons.</summary>
public static class TelemetryText
{
    public static string Lines(MetricsSnapshot snapshot, params string[] samples) =>
        string.Join('\n', Render.Text(snapshot).Split('\n').Where(l => samples.Any(s => l.StartsWith(s + "{", StringComparison.Ordinal) || l.StartsWith(s + " ", StringComparison.Ordinal)))) + "\n";

    /// <summary>The value of one series; NaN when it is missing.</summary>
    public static double Value(MetricsSnapshot snapshot, string family, params string[] labels)
    {
        var series = snapshot.Find(family)?.Series.Where(s => s.LabelValues.SequenceEqual(labels)).ToArray() ?? [];
        return series.Length == 1 ? series[0].Value : double.NaN;
    }
}

/// <summary>An actor that cannot derive from the metered base classes: it wires <see cref="WorkerMetrics"/> and its telemetry by hand.</summary>
public sealed class HandWiredWorker : UntypedActor
{
    private readonly WorkerMetrics _metrics;

    public HandWiredWorker() => _metrics = WorkerMetrics.Register(Context);

    protected override bool AroundReceive(Receive receive, object message)
    {
        if (_metrics.TryHandle(message, Sender))
        {
            return true;
        }

        var started = _metrics.MessageStarting();
        try
        {
            return base.AroundReceive(receive, message);
        }
        finally
        {
            _metrics.MessageFinished(message, started);
        }
    }

    protected override void OnReceive(object message)
    {
        if (message is Shop.PlaceOrder)
        {
            Sender.Tell("done");
            return;
        }

        Unhandled(message);
    }

    protected override void Unhandled(object message)
    {
        _metrics.MessageUnhandled(message);
        base.Unhandled(message);
    }

    protected override void PreRestart(Exception reason, object message)
    {
        _metrics.Retire(restarting: true);
        base.PreRestart(reason, message);
    }

    protected override void PostStop() => _metrics.Retire(restarting: false);
}
