using Aggregator.Metrics;

namespace Aggregator.Conformance.Tests.Conformance;

/// <summary>
/// One series as a test expects the exposition to show it, written by hand from what the test recorded (never derived
/// from the writer's output). Which fields count depends on the family's type.
/// </summary>
public sealed record ExpectedSeries
{
    /// <summary>The labels in declaration order (the parsers hand them back as a dictionary).</summary>
    public IReadOnlyList<(string Name, string Value)> Labels { get; init; } = [];

    /// <summary>A counter's or gauge's value.</summary>
    public double Value { get; init; }

    /// <summary>A histogram's or summary's observation count.</summary>
    public long Count { get; init; }

    /// <summary>A histogram's or summary's sum of observations.</summary>
    public double Sum { get; init; }

    /// <summary>A histogram's buckets: the <c>le</c> label exactly as it must be written, and the cumulative count.</summary>
    public IReadOnlyList<(string Le, long Count)> Buckets { get; init; } = [];

    /// <summary>The <c>_created</c> value in epoch seconds (OpenMetrics only), or null when there is none.</summary>
    public double? Created { get; init; }

    /// <summary>The sample timestamp in epoch milliseconds, or null when none is written.</summary>
    public long? TimestampMs { get; init; }
}

/// <summary>One family as a test expects it: <paramref name="Name"/> is the family name without <c>_total</c> or <c>_info</c>.</summary>
public sealed record ExpectedFamily(string Name, MetricType Type, string Help, IReadOnlyList<ExpectedSeries> Series);

/// <summary>Short constructors for expectations.</summary>
public static class Expect
{
    public static ExpectedFamily Counter(string name, string help, params ExpectedSeries[] series) => new(name, MetricType.Counter, help, series);

    public static ExpectedFamily Gauge(string name, string help, params ExpectedSeries[] series) => new(name, MetricType.Gauge, help, series);

    public static ExpectedFamily Histogram(string name, string help, params ExpectedSeries[] series) => new(name, MetricType.Histogram, help, series);

    public static ExpectedFamily Summary(string name, string help, params ExpectedSeries[] series) => new(name, MetricType.Summary, help, series);

    public static ExpectedFamily Info(string name, string help, params ExpectedSeries[] series) => new(name, MetricType.Info, help, series);

    /// <summary>A counter or gauge series (for an info series the value is ignored: it is always 1).</summary>
    public static ExpectedSeries Value(double value, params (string Name, string Value)[] labels) => new() { Value = value, Labels = labels };

    /// <summary>A summary series.</summary>
    public static ExpectedSeries Summary(long count, double sum, params (string Name, string Value)[] labels) =>
        new() { Count = count, Sum = sum, Labels = labels };

    /// <summary>
    /// A histogram series from its <c>le</c> labels (as written, "+Inf" last) and cumulative counts; the count is the
    /// +Inf bucket.
    /// </summary>
    public static ExpectedSeries Histogram(string[] les, long[] cumulative, double sum, params (string Name, string Value)[] labels)
    {
        Assert.Equal(les.Length, cumulative.Length);
        Assert.Equal("+Inf", les[^1]);
        return new()
        {
            Buckets = [.. les.Zip(cumulative, (le, count) => (le, count))],
            Count = cumulative[^1],
            Sum = sum,
            Labels = labels,
        };
    }
}
