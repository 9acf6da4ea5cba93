using System.Diagnostics;

namespace Aggregator.Metrics;

/// <summary>
/// Times a block of code and records the elapsed seconds when disposed (also when the block throws):
/// <c>using (histogram.Unlabelled.StartTimer()) { ... }</c>. A struct, so starting one allocates nothing.
/// </summary>
public readonly struct MetricTimer : IDisposable, IEquatable<MetricTimer>
{
    private readonly IDurationRecorder? _recorder;
    private readonly long _start;

    internal MetricTimer(IDurationRecorder recorder)
    {
        _recorder = recorder;
        _start = Stopwatch.GetTimestamp();
    }

    /// <summary>The seconds elapsed since the timer started.</summary>
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(_start).TotalSeconds;

    /// <summary>Compares two timers.</summary>
    public static bool operator ==(MetricTimer left, MetricTimer right) => left.Equals(right);

    /// <summary>Compares two timers.</summary>
    public static bool operator !=(MetricTimer left, MetricTimer right) => !left.Equals(right);

    /// <summary>Records the elapsed seconds.</summary>
    public void Dispose() => _recorder?.RecordSeconds(ElapsedSeconds);

    /// <inheritdoc />
    public bool Equals(MetricTimer other) => ReferenceEquals(_recorder, other._recorder) && _start == other._start;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MetricTimer other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_recorder, _start);
}
