namespace Aggregator.Metrics.Tests;

/// <summary>A clock the test sets by hand, in epoch milliseconds.</summary>
public sealed class ManualClock(long epochMilliseconds) : TimeProvider
{
    public long EpochMilliseconds { get; set; } = epochMilliseconds;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(EpochMilliseconds);
}
