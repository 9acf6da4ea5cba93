namespace Aggregator.Conformance.Tests;

/// <summary>A clock the test sets by hand, in epoch milliseconds, so that <c>_created</c> and timestamps are exact.</summary>
public sealed class ManualClock(long epochMilliseconds) : TimeProvider
{
    public long EpochMilliseconds { get; set; } = epochMilliseconds;

    /// <summary>The current time as the library records <c>_created</c> and gauge set-to-current-time: epoch seconds.</summary>
    public double Seconds => EpochMilliseconds / 1000.0;

    public void Advance(long milliseconds) => EpochMilliseconds += milliseconds;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(EpochMilliseconds);
}
