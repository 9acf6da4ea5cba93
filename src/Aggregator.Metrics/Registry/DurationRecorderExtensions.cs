namespace Aggregator.Metrics;

/// <summary>The timing helpers shared by gauges, histograms and summaries: they record even when the code throws.</summary>
internal static class DurationRecorderExtensions
{
    public static void Time(this IDurationRecorder recorder, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using (new MetricTimer(recorder))
        {
            action();
        }
    }

    public static T Time<T>(this IDurationRecorder recorder, Func<T> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using (new MetricTimer(recorder))
        {
            return func();
        }
    }

    public static async Task TimeAsync(this IDurationRecorder recorder, Func<Task> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using (new MetricTimer(recorder))
        {
            await func().ConfigureAwait(false);
        }
    }

    public static async Task<T> TimeAsync<T>(this IDurationRecorder recorder, Func<Task<T>> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        using (new MetricTimer(recorder))
        {
            return await func().ConfigureAwait(false);
        }
    }
}
