using Akka.Actor;
using Aggregator.Actors;

namespace Aggregator.Benchmarks;

/// <summary>The messages and actors of the telemetry runner: the same handlers on a plain and on a metered base class.</summary>
public static class TelemetryActors
{
    /// <summary>How many fan-in items a sender may have unacknowledged: two batches.</summary>
    public const int FanInBatch = 1_000;

    /// <summary>Starts a ping-pong pair: the pinger keeps <paramref name="InFlight"/> balls in flight until <paramref name="RoundTrips"/> came back.</summary>
    public sealed record StartPingPong(IActorRef Partner, int RoundTrips, int InFlight, TaskCompletionSource Done);

    /// <summary>Starts a fan-in sender: <paramref name="Items"/> items to the receiver, a batch at a time, two batches ahead.</summary>
    public sealed record StartFanIn(IActorRef Receiver, int Items);

    /// <summary>The ping-pong message.</summary>
    public sealed class Ball
    {
        public static readonly Ball Instance = new();
    }

    /// <summary>One of the two fan-in message classes (the receiver sees them alternate).</summary>
    public sealed record Item(int Sender);

    /// <summary>The other fan-in message class.</summary>
    public sealed record OtherItem(int Sender);

    /// <summary>The receiver's acknowledgement of a batch.</summary>
    public sealed class Ack
    {
        public static readonly Ack Instance = new();
    }

    /// <summary>The fan-in receiver's target: complete <paramref name="Done"/> after <paramref name="Items"/> items from <paramref name="Senders"/> senders.</summary>
    public sealed record ExpectFanIn(int Items, int Senders, TaskCompletionSource Done);

    /// <summary>Pinger, ponger, fan-in sender and receiver logic, shared by both base classes.</summary>
    public sealed class Logic
    {
        private int _sent;
        private int _received;
        private int _target;
        private int _inFlight;
        private TaskCompletionSource? _done;
        private IActorRef? _partner;
        private object[] _items = [];
        private int[] _perSender = [];

        public void Start(StartPingPong start, IActorRef self)
        {
            (_partner, _target, _inFlight, _done, _sent, _received) = (start.Partner, start.RoundTrips, start.InFlight, start.Done, 0, 0);
            for (var i = 0; i < _inFlight && _sent < _target; i++, _sent++)
            {
                _partner!.Tell(Ball.Instance, self);
            }
        }

        /// <summary>A ball came back to the pinger, or reached the ponger (which has no target).</summary>
        public void OnBall(IActorRef sender, IActorRef self)
        {
            if (_done is null)
            {
                sender.Tell(Ball.Instance, self);
                return;
            }

            if (++_received == _target)
            {
                _done.SetResult();
            }
            else if (_sent < _target)
            {
                _sent++;
                _partner!.Tell(Ball.Instance, self);
            }
        }

        public void StartSender(StartFanIn start, int index, IActorRef self)
        {
            (_partner, _target, _sent) = (start.Receiver, start.Items, 0);
            _items = [new Item(index), new OtherItem(index)];
            SendBatch(self);
            SendBatch(self);
        }

        public void OnAck(IActorRef self) => SendBatch(self);

        public void Expect(ExpectFanIn expect) => (_target, _done, _received, _perSender) = (expect.Items, expect.Done, 0, new int[expect.Senders]);

        public void OnItem(int sender, IActorRef replyTo, IActorRef self)
        {
            if (++_perSender[sender] % FanInBatch == 0)
            {
                replyTo.Tell(Ack.Instance, self);
            }

            if (++_received == _target)
            {
                _done!.SetResult();
            }
        }

        private void SendBatch(IActorRef self)
        {
            for (var i = 0; i < FanInBatch && _sent < _target; i++, _sent++)
            {
                _partner!.Tell(_items[_sent & 1], self);
            }
        }
    }
}

/// <summary>The runner's actor on Akka's plain base class.</summary>
public sealed class PlainBenchActor : ReceiveActor
{
    public PlainBenchActor(int index)
    {
        var logic = new TelemetryActors.Logic();
        Receive<TelemetryActors.Ball>(_ => logic.OnBall(Sender, Self));
        Receive<TelemetryActors.Item>(i => logic.OnItem(i.Sender, Sender, Self));
        Receive<TelemetryActors.OtherItem>(i => logic.OnItem(i.Sender, Sender, Self));
        Receive<TelemetryActors.Ack>(_ => logic.OnAck(Self));
        Receive<TelemetryActors.StartPingPong>(s => logic.Start(s, Self));
        Receive<TelemetryActors.StartFanIn>(s => logic.StartSender(s, index, Self));
        Receive<TelemetryActors.ExpectFanIn>(logic.Expect);
    }
}

/// <summary>The same actor on the metered base class (with or without telemetry, as its system is configured).</summary>
public sealed class MeteredBenchActor : MeteredReceiveActor
{
    public MeteredBenchActor(int index)
    {
        var logic = new TelemetryActors.Logic();
        Receive<TelemetryActors.Ball>(_ => logic.OnBall(Sender, Self));
        Receive<TelemetryActors.Item>(i => logic.OnItem(i.Sender, Sender, Self));
        Receive<TelemetryActors.OtherItem>(i => logic.OnItem(i.Sender, Sender, Self));
        Receive<TelemetryActors.Ack>(_ => logic.OnAck(Self));
        Receive<TelemetryActors.StartPingPong>(s => logic.Start(s, Self));
        Receive<TelemetryActors.StartFanIn>(s => logic.StartSender(s, index, Self));
        Receive<TelemetryActors.ExpectFanIn>(logic.Expect);
    }
}

/// <summary>
/// <see cref="PlainBenchActor"/> again under another class: the JIT's profile-guided optimization specializes Akka's
/// shared message path (the actor's virtual calls) for the classes it saw most while profiling, so a second class with
/// the same code shows what any class other than the favoured one pays.
/// </summary>
public sealed class PlainTwinBenchActor : ReceiveActor
{
    public PlainTwinBenchActor(int index)
    {
        var logic = new TelemetryActors.Logic();
        Receive<TelemetryActors.Ball>(_ => logic.OnBall(Sender, Self));
        Receive<TelemetryActors.Item>(i => logic.OnItem(i.Sender, Sender, Self));
        Receive<TelemetryActors.OtherItem>(i => logic.OnItem(i.Sender, Sender, Self));
        Receive<TelemetryActors.Ack>(_ => logic.OnAck(Self));
        Receive<TelemetryActors.StartPingPong>(s => logic.Start(s, Self));
        Receive<TelemetryActors.StartFanIn>(s => logic.StartSender(s, index, Self));
        Receive<TelemetryActors.ExpectFanIn>(logic.Expect);
    }
}
