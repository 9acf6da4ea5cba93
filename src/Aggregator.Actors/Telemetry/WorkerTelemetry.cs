using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Aggregator.Metrics;

namespace Aggregator.Actors.Telemetry;

/// <summary>
/// One metered actor's telemetry, recorded in its own registry like any of its metrics: plain fields, no lock, no
/// interlocked operation, and no allocation once a message class has been seen. The steady state per message is a
/// reference comparison with the previous message's class (or one dictionary lookup), a counter increment and a
/// histogram observation.
/// </summary>
internal sealed class WorkerTelemetry
{
    private static readonly double SecondsPerTick = 1.0 / Stopwatch.Frequency;

    // Adaptive timing: a timed message less than MinGap after the previous timed one doubles the interval between timed
    // messages, one more than MaxGap after halves it. A busy actor times 100 to 10,000 messages a second, whatever its
    // rate (reading the clock twice costs 60 ns or more here, more than the rest of an actor's message); one receiving
    // fewer than about 100 a second times every message. MaxGap is wide so that a loaded machine, which deschedules
    // the actor's thread for milliseconds, does not keep halving the interval of a busy actor.
    private static readonly long MinGapTicks = Stopwatch.Frequency / 10_000;
    private static readonly long MaxGapTicks = Stopwatch.Frequency / 100;
    private const int MaxInterval = 1 << 16;

    private readonly string _actorType;
    private readonly MessageTypeTable _table;
    private readonly Counter _messages;
    private readonly Histogram _processing;
    private readonly Counter _unhandled;
    private readonly Counter _overflow;
    private readonly Counter.Child _restarts;
    private readonly Gauge _stashed;
    private readonly Dictionary<Type, Series> _series = [];
    private readonly bool _adaptive;

    // Classes past the bound are not cached one by one (a worker seeing 10,000 classes would keep 10,000 entries):
    // the cache holds at most this many, the rest ask the table, which answers them without its lock.
    private readonly int _maxCached;

    // The two most recently added classes, compared without writes: an actor alternating between two classes (requests
    // and replies) finds both here.
    // Classes counted as "other" because of the bound never enter these two, so a hit needs no overflow check.
    private Type? _lastType;
    private Series? _last;
    private Counter.Child? _lastMessages;
    private Type? _previousType;
    private Series? _previous;
    private Counter.Child? _previousMessages;
    private Series? _otherAllowlist;

    // With message-types = off every class has the one empty value: one series for all, not one per class.
    private Series? _unlabelled;
    private Series? _otherOverflow;
    private IActorStash? _stash;
    private int _interval;
    private int _countdown = 1;
    private long _lastTimed;

    public WorkerTelemetry(WorkerRegistry registry, string actorType, MessageTypeTable table, TelemetrySettings settings)
    {
        _actorType = actorType;
        _table = table;
        _maxCached = settings.MaxMessageTypes * 2;
        _adaptive = settings.TimingInterval == 0;
        _interval = _adaptive ? 1 : settings.TimingInterval;
        _countdown = 1;
        _messages = registry.Counter(TelemetryFamilies.Messages, TelemetryFamilies.MessagesOptions);
        _processing = registry.Histogram(TelemetryFamilies.Processing, TelemetryFamilies.ProcessingOptions);
        _unhandled = registry.Counter(TelemetryFamilies.Unhandled, TelemetryFamilies.UnhandledOptions);
        _overflow = registry.Counter(TelemetryFamilies.Overflow, TelemetryFamilies.OverflowOptions);
        _restarts = registry.Counter(TelemetryFamilies.Restarts, TelemetryFamilies.RestartsOptions).WithLabels(actorType);
        _stashed = registry.Gauge(TelemetryFamilies.Stashed, TelemetryFamilies.StashedOptions);
    }

    /// <summary>The <c>actor_type</c> label value of this worker.</summary>
    public string ActorType => _actorType;

    /// <summary>Whether the next message is to be timed (then <see cref="RecordTimed"/>, else <see cref="Count"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TimeNext() => --_countdown == 0;

    /// <summary>Counts one message that was not timed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Count(Type type)
    {
        if (ReferenceEquals(type, _lastType))
        {
            _lastMessages!.Inc();
        }
        else if (ReferenceEquals(type, _previousType))
        {
            _previousMessages!.Inc();
        }
        else
        {
            CountSlow(type);
        }
    }

    /// <summary>Counts one message that the actor's handler took from <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp) until now.</summary>
    public void RecordTimed(Type type, long started)
    {
        var now = Stopwatch.GetTimestamp();
        var series = SeriesOf(type);
        series.Messages.Inc();
        series.Processing.Observe((now - started) * SecondsPerTick);
        if (series.Overflowed)
        {
            CountOverflow(series);
        }

        if (_adaptive)
        {
            var gap = now - _lastTimed;
            _lastTimed = now;
            if (gap < MinGapTicks)
            {
                _interval = Math.Min(_interval * 2, MaxInterval);
            }
            else if (gap > MaxGapTicks)
            {
                _interval = Math.Max(_interval / 2, 1);
            }
        }

        _countdown = _interval;
    }

    /// <summary>The actor instance, whose stash size is read when collected (none when it does not stash).</summary>
    public void Attach(ActorBase actor) => _stash = actor as IActorStash;

    /// <summary>Counts a restart, in the registry the collector keeps as the restarted actor's past.</summary>
    public void Restarting() => _restarts.Inc();

    /// <summary>Reads what is sampled at collection time (the stash size) into the registry; called by the worker itself.</summary>
    public void BeforeCollect()
    {
        if (_stash?.Stash is { } stash)
        {
            _stashed.WithLabels(_actorType).Set(stash.Count);
        }
    }

    /// <summary>Counts a message the actor did not handle (it is counted as received as well).</summary>
    public void Unhandled(Type type)
    {
        var series = SeriesOf(type);
        (series.Unhandled ??= _unhandled.WithLabels(_actorType, series.MessageType)).Inc();
    }

    private Series SeriesOf(Type type) =>
        ReferenceEquals(type, _lastType) ? _last! : ReferenceEquals(type, _previousType) ? _previous! : Find(type);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountSlow(Type type)
    {
        var series = Find(type);
        series.Messages.Inc();
        if (series.Overflowed)
        {
            CountOverflow(series);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Series Find(Type type)
    {
        if (!_series.TryGetValue(type, out var series))
        {
            var label = _table.Label(type, out var overflowed);
            series = ReferenceEquals(label, TelemetryFamilies.Other) ? Other(overflowed)
                : label.Length == 0 ? _unlabelled ??= new Series(this, label, overflowed: false)
                : new Series(this, label, overflowed: false);
            if (_series.Count < _maxCached)
            {
                _series.Add(type, series);
            }
        }

        if (!series.Overflowed)
        {
            (_previousType, _previous, _previousMessages) = (_lastType, _last, _lastMessages);
            (_lastType, _last, _lastMessages) = (type, series, series.Messages);
        }

        return series;
    }

    private Series Other(bool overflowed) => overflowed
        ? _otherOverflow ??= new Series(this, TelemetryFamilies.Other, overflowed: true)
        : _otherAllowlist ??= new Series(this, TelemetryFamilies.Other, overflowed: false);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountOverflow(Series series) => (series.Overflow ??= _overflow.WithLabels(_actorType)).Inc();

    /// <summary>The children of one <c>message_type</c> value, found once per class.</summary>
    private sealed class Series
    {
        public Series(WorkerTelemetry owner, string messageType, bool overflowed)
        {
            MessageType = messageType;
            Overflowed = overflowed;
            Messages = owner._messages.WithLabels(owner._actorType, messageType);
            Processing = owner._processing.WithLabels(owner._actorType, messageType);
        }

        public string MessageType { get; }

        public bool Overflowed { get; }

        public Counter.Child Messages { get; }

        public Histogram.Child Processing { get; }

        public Counter.Child? Unhandled { get; set; }

        public Counter.Child? Overflow { get; set; }
    }
}
