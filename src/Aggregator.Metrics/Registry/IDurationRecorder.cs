namespace Aggregator.Metrics;

/// <summary>A series that records a duration in seconds: a gauge sets it, a histogram or summary observes it.</summary>
internal interface IDurationRecorder
{
    void RecordSeconds(double seconds);
}
