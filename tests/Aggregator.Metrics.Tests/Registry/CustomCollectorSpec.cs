namespace Aggregator.Metrics.Tests.Registry;

/// <summary>A custom collector's values are held to the rules a declared metric keeps.</summary>
public sealed class CustomCollectorSpec
{
    private static readonly MetricDefinition Jobs = new(MetricType.Counter, "jobs", "Jobs", ["kind"]);
    private static readonly MetricDefinition Build = new(MetricType.Info, "build", "Build", ["version"]);
    private static readonly MetricDefinition Temperature = new(MetricType.Gauge, "temperature", "Temperature", ["room"]);
    private static readonly MetricDefinition Sizes = new(MetricType.Summary, "sizes", "Sizes", ["kind"]);
    private static readonly MetricDefinition Latency = new(MetricType.Histogram, "latency", "Latency", ["kind"], buckets: [1]);

    [Fact]
    public void Invalid_series_are_left_out_and_counted_while_the_rest_of_that_collector_and_the_others_are_exposed()
    {
        var registry = Registries.Worker();
        var failures = new List<string>();
        registry.CollectorFailed += (name, error) => failures.Add($"{name}: {error.Message}");
        registry.Gauge("declared", "Declared").Set(1);
        registry.AddCollector("values", () =>
        [
            new MetricFamilySnapshot(Jobs,
            [
                SeriesSnapshot.ForValue(["steady"], 5),
                SeriesSnapshot.ForValue(["negative"], -1),
                SeriesSnapshot.ForValue(["nan"], double.NaN),
                SeriesSnapshot.ForValue(["infinite"], double.PositiveInfinity),
            ]),
            new MetricFamilySnapshot(Build, [SeriesSnapshot.ForValue(["1.0"], 1), SeriesSnapshot.ForValue(["2.0"], 2)]),
            new MetricFamilySnapshot(Temperature, [SeriesSnapshot.ForValue(["cellar"], double.NaN), SeriesSnapshot.ForValue(["roof"], -3)]),
        ]);
        registry.AddCollector("distributions", () =>
        [
            new MetricFamilySnapshot(Sizes, [SeriesSnapshot.ForSummary(["bad"], -1, 2), SeriesSnapshot.ForSummary(["good"], 3, double.NaN)]),
            new MetricFamilySnapshot(Latency, [SeriesSnapshot.ForHistogram(["bad"], [-2, -1], 0), SeriesSnapshot.ForHistogram(["good"], [1, 2], 1.5)]),
        ]);
        registry.AddCollector("fine", () => [MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Counter, "fine", "Fine"), 7)]);

        Assert.Equal(
            """
            # HELP aggregator_collector_errors_total Custom collector runs that threw or returned invalid families; their output was left out.
            # TYPE aggregator_collector_errors_total counter
            aggregator_collector_errors_total{collector="distributions"} 2
            aggregator_collector_errors_total{collector="values"} 2
            # HELP build_info Build
            # TYPE build_info gauge
            build_info{version="1.0"} 1
            # HELP declared Declared
            # TYPE declared gauge
            declared 1
            # HELP fine_total Fine
            # TYPE fine_total counter
            fine_total 7
            # HELP jobs_total Jobs
            # TYPE jobs_total counter
            jobs_total{kind="infinite"} +Inf
            jobs_total{kind="steady"} 5
            # HELP latency Latency
            # TYPE latency histogram
            latency_bucket{kind="good",le="1.0"} 1
            latency_bucket{kind="good",le="+Inf"} 2
            latency_count{kind="good"} 2
            latency_sum{kind="good"} 1.5
            # HELP sizes Sizes
            # TYPE sizes summary
            sizes_count{kind="good"} 3
            sizes_sum{kind="good"} NaN
            # HELP temperature Temperature
            # TYPE temperature gauge
            temperature{room="cellar"} NaN
            temperature{room="roof"} -3

            """,
            Expose.Text(registry));
        Assert.Equal(
            [
                "values: Collector 'values' returned 2 invalid series of counter 'jobs', left out: {kind=\"nan\"} has value NaN, and a counter is never NaN or negative.",
                "values: Collector 'values' returned 1 invalid series of info 'build', left out: {version=\"2.0\"} has value 2, and an info series is always 1.",
                "distributions: Collector 'distributions' returned 1 invalid series of summary 'sizes', left out: {kind=\"bad\"} has count -1, and a count is never negative.",
                "distributions: Collector 'distributions' returned 1 invalid series of histogram 'latency', left out: {kind=\"bad\"} has bucket count -2, and a count is never negative.",
            ],
            failures);
    }

    [Fact]
    public void A_counter_or_count_below_its_last_exposed_value_is_left_out_until_it_catches_up_and_forgotten_once_gone()
    {
        var registry = Registries.Worker();
        var failures = new List<string>();
        registry.CollectorFailed += (name, error) => failures.Add($"{name}: {error.Message}");
        var rounds = new Queue<(double Shrinking, long Count, bool Present)>(
        [
            (10, 4, true),
            (8, 3, true),
            (11, 5, true),
            (0, 0, false),
            (2, 1, true),
        ]);
        var round = default((double Shrinking, long Count, bool Present));
        registry.AddCollector("monotonic", () =>
        {
            round = rounds.Dequeue();
            return round.Present
                ?
                [
                    new MetricFamilySnapshot(Jobs, [SeriesSnapshot.ForValue(["shrinking"], round.Shrinking), SeriesSnapshot.ForValue(["steady"], 1)]),
                    new MetricFamilySnapshot(Sizes, [SeriesSnapshot.ForSummary(["s"], round.Count, 1)]),
                    new MetricFamilySnapshot(Latency, [SeriesSnapshot.ForHistogram(["h"], [0, round.Count], 1)]),
                ]
                : [new MetricFamilySnapshot(Jobs, [SeriesSnapshot.ForValue(["steady"], 1)])];
        });

        Assert.Equal(
            """
            jobs_total{kind="shrinking"} 10
            jobs_total{kind="steady"} 1
            latency_count{kind="h"} 4
            sizes_count{kind="s"} 4

            """,
            Values(registry));
        Assert.Equal(
            """
            aggregator_collector_errors_total{collector="monotonic"} 3
            jobs_total{kind="steady"} 1

            """,
            Values(registry));
        Assert.Equal(
            """
            aggregator_collector_errors_total{collector="monotonic"} 3
            jobs_total{kind="shrinking"} 11
            jobs_total{kind="steady"} 1
            latency_count{kind="h"} 5
            sizes_count{kind="s"} 5

            """,
            Values(registry));

        // Gone for one collection, so their last values are forgotten: lower values afterwards are a new start.
        Assert.Equal(
            """
            aggregator_collector_errors_total{collector="monotonic"} 3
            jobs_total{kind="steady"} 1

            """,
            Values(registry));
        Assert.Equal(
            """
            aggregator_collector_errors_total{collector="monotonic"} 3
            jobs_total{kind="shrinking"} 2
            jobs_total{kind="steady"} 1
            latency_count{kind="h"} 1
            sizes_count{kind="s"} 1

            """,
            Values(registry));
        Assert.Equal(
            [
                "monotonic: Collector 'monotonic' returned 1 invalid series of counter 'jobs', left out: {kind=\"shrinking\"} has value 8, below the 10 it had, and a counter never goes down.",
                "monotonic: Collector 'monotonic' returned 1 invalid series of summary 'sizes', left out: {kind=\"s\"} has count 3, below the 4 it had, and a count never goes down.",
                "monotonic: Collector 'monotonic' returned 1 invalid series of histogram 'latency', left out: {kind=\"h\"} has count 3, below the 4 it had, and a count never goes down.",
            ],
            failures);
    }

    [Fact]
    public void Each_collector_keeps_its_own_last_values()
    {
        var registry = Registries.Shared();
        var values = new Queue<double>([5, 3]);
        registry.AddCollector("first", () => [MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Counter, "first", "First"), values.Dequeue())]);
        var second = new Queue<double>([1, 2]);
        registry.AddCollector("second", () => [MetricFamilySnapshot.OfValue(new MetricDefinition(MetricType.Counter, "second", "Second"), second.Dequeue())]);

        Assert.Equal("first_total 5\nsecond_total 1\n", Values(registry));
        Assert.Equal("aggregator_collector_errors_total{collector=\"first\"} 1\nsecond_total 2\n", Values(registry));
    }

    /// <summary>The sample lines that carry a counter's or a count's value: what the checks are about.</summary>
    private static string Values(MetricRegistry registry) =>
        string.Concat(Expose.Text(registry)
            .Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#') && (l.Contains("_total", StringComparison.Ordinal) || l.Contains("_count", StringComparison.Ordinal)))
            .Select(l => l + "\n"));
}
