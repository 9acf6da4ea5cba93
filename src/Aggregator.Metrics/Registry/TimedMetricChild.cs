namespace Aggregator.Metrics;

/// <summary>
/// A series that can time code: a gauge sets the elapsed seconds, a histogram or summary observes them. Every timer
/// records also when the timed code throws, and the exception goes on.
/// </summary>
public abstract class TimedMetricChild : MetricChild, IDurationRecorder
{
    private protected TimedMetricChild(string[] labelValues, MetricFamily family)
        : base(labelValues, family)
    {
    }

    /// <summary>Starts a timer that records the elapsed seconds when disposed.</summary>
    public MetricTimer StartTimer() => new(this);

    /// <summary>Runs <paramref name="action"/> and records the elapsed seconds, also when it throws.</summary>
    public void Time(Action action) => DurationRecorderExtensions.Time(this, action);

    /// <summary>Runs <paramref name="func"/> and records the elapsed seconds, also when it throws.</summary>
    public T Time<T>(Func<T> func) => DurationRecorderExtensions.Time(this, func);

    /// <summary>Awaits <paramref name="func"/> and records the elapsed seconds, also when it throws.</summary>
    public Task TimeAsync(Func<Task> func) => DurationRecorderExtensions.TimeAsync(this, func);

    /// <summary>Awaits <paramref name="func"/> and records the elapsed seconds, also when it throws.</summary>
    public Task<T> TimeAsync<T>(Func<Task<T>> func) => DurationRecorderExtensions.TimeAsync(this, func);

    void IDurationRecorder.RecordSeconds(double seconds) => RecordSeconds(seconds);

    private protected abstract void RecordSeconds(double seconds);
}
