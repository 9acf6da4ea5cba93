using System.Diagnostics;

namespace Aggregator.Metrics.Tests.Registry;

public sealed class ExemplarSpec
{
    private static readonly ActivityTraceId TraceA = ActivityTraceId.CreateFromString("0af7651916cd43dd8448eb211c80319c");
    private static readonly ActivitySpanId SpanA = ActivitySpanId.CreateFromString("b7ad6b7169203331");
    private static readonly ActivityTraceId TraceB = ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736");
    private static readonly ActivitySpanId SpanB = ActivitySpanId.CreateFromString("00f067aa0ba902b7");

    [Fact]
    public void A_counter_keeps_the_last_exemplar_with_its_amount_and_time_of_recording()
    {
        var clock = new ManualClock(Registries.T0);
        var registry = Registries.Worker(clock: clock);
        var counter = registry.Counter("requests_total", "Requests", "method");
        var get = counter.WithLabels("GET");
        get.Inc(2, Exemplar.FromTrace(TraceA, SpanA));
        clock.EpochMilliseconds += 250;
        get.Inc(3, Exemplar.FromTrace(TraceB, SpanB));
        get.Inc(1);

        var series = Assert.Single(registry.Collect().Find("requests")!.Series);
        Assert.Equal(6, series.Value);
        var exemplar = Assert.Single(series.Exemplars);
        Assert.Equal(
            "{trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\",span_id=\"00f067aa0ba902b7\"} 3 @1700000000750 from []",
            exemplar!.ToString());
    }

    [Fact]
    public void A_series_without_exemplars_collects_none()
    {
        var registry = Registries.Worker();
        registry.Counter("c", "C").Inc(1, default);
        Hist(registry, "h", [1]).Observe(0.5, Exemplar.FromActivity(null));

        Assert.All(registry.Collect().Families, f => Assert.Empty(Assert.Single(f.Series).Exemplars));
    }

    [Fact]
    public void A_given_timestamp_is_kept_instead_of_the_time_of_recording()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C");
        counter.Inc(1, Exemplar.FromTrace(TraceA, SpanA).WithTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(1_600_000_000_123)));

        Assert.Equal(1_600_000_000_123, registry.Collect().Find("c")!.Series[0].Exemplars[0]!.TimestampMs);
    }

    [Fact]
    public void A_histogram_keeps_one_exemplar_per_bucket_including_plus_inf()
    {
        var clock = new ManualClock(Registries.T0);
        var registry = Registries.Worker(clock: clock);
        var latency = Hist(registry, "latency_seconds", [0.1, 1]);
        latency.Observe(0.05, new Exemplar(new KeyValuePair<string, string>("user", "a")));
        clock.EpochMilliseconds += 1;
        latency.Observe(0.07, new Exemplar(new KeyValuePair<string, string>("user", "b")));
        latency.Observe(5, Exemplar.FromTrace(TraceA, SpanA));
        latency.Observe(0.5);

        var series = Assert.Single(registry.Collect().Find("latency_seconds")!.Series);
        Assert.Equal([2L, 3L, 4L], series.CumulativeBuckets);
        Assert.Equal(
            [
                "{user=\"b\"} 0.07 @1700000000501 from []",
                "null",
                "{trace_id=\"0af7651916cd43dd8448eb211c80319c\",span_id=\"b7ad6b7169203331\"} 5 @1700000000501 from []",
            ],
            series.Exemplars.Select(e => e?.ToString() ?? "null"));
    }

    [Fact]
    public void A_native_histogram_counts_its_native_bucket_too_when_observing_with_an_exemplar()
    {
        var registry = Registries.Worker();
        var latency = registry.Histogram("latency_seconds", new MetricOptions { Help = "L", Buckets = [1], NativeHistogram = new NativeHistogramOptions { Schema = 0 } });
        latency.Observe(3, Exemplar.FromTrace(TraceA, SpanA));
        latency.Observe(3);

        var series = Assert.Single(registry.Collect().Find("latency_seconds")!.Series);
        Assert.Equal([0L, 2L], series.CumulativeBuckets);
        Assert.Equal(2L, series.Native!.PositiveBuckets.Sum(b => b.Value));
        Assert.Equal([null, "0af7651916cd43dd8448eb211c80319c"], series.Exemplars.Select(e => e?.Labels[0].Value));
    }

    [Fact]
    public void An_exemplar_over_128_characters_is_refused_naming_the_label_and_the_value_is_still_counted()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C");
        var tooLong = new Exemplar(new("trace_id", new string('a', 100)), new("user_name", new string('é', 12)));

        var error = Assert.Throws<ArgumentException>(() => counter.Inc(4, tooLong));

        Assert.Equal(
            "Exemplar labels total 129 characters with label 'user_name', more than the 128 OpenMetrics allows (names and values, counted in characters). The value was recorded without it. (Parameter 'exemplar')",
            error.Message);
        var series = registry.Collect().Find("c")!.Series[0];
        Assert.Equal(4, series.Value);
        Assert.Empty(series.Exemplars);
    }

    [Fact]
    public void Exactly_128_characters_counted_in_code_points_are_accepted()
    {
        // 8 + 100 + 9 + 11 = 128 characters, though 'é' takes two UTF-8 bytes.
        var exemplar = new Exemplar(new("trace_id", new string('a', 100)), new("user_name", new string('é', 11)));

        Assert.Null(exemplar.Problem);
    }

    [Theory]
    [InlineData("__reserved", "Exemplar label name '__reserved' is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with '__'.")]
    [InlineData("1st", "Exemplar label name '1st' is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with '__'.")]
    [InlineData("span_id", "Exemplar label 'span_id' is given twice.")]
    public void A_bad_label_name_is_refused_by_the_observation_that_carries_it_after_observing(string name, string problem)
    {
        var registry = Registries.Worker();
        var histogram = Hist(registry, "h", [1]);
        var exemplar = new Exemplar(new("span_id", "x"), new(name, "v"));

        var error = Assert.Throws<ArgumentException>(() => histogram.Observe(0.5, exemplar));

        Assert.Equal(problem + " The value was recorded without it. (Parameter 'exemplar')", error.Message);
        Assert.Equal(1, registry.Collect().Find("h")!.Series[0].Count);
    }

    [Fact]
    public void A_collected_exemplar_built_by_hand_is_held_to_label_name_rules()
    {
        var error = Assert.Throws<ArgumentException>(() => new ExemplarSnapshot([new("trace id", "x")], 1, 0));

        Assert.Equal("Exemplar label 'trace id' has an invalid name or a null value. (Parameter 'labels')", error.Message);
        Assert.Throws<ArgumentException>(() => new ExemplarSnapshot([new("trace_id", "x")], 1, 0, [new("__node", "n")]));
    }

    [Fact]
    public void The_current_activity_gives_its_trace_and_span_and_no_activity_gives_the_empty_exemplar()
    {
        Assert.Null(Activity.Current);
        Assert.True(Exemplar.FromCurrentActivity().IsEmpty);

        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        var exemplar = Exemplar.FromCurrentActivity();

        Assert.Equal($"{{trace_id=\"{activity.TraceId.ToHexString()}\",span_id=\"{activity.SpanId.ToHexString()}\"}}", exemplar.ToString());
        Assert.Equal(32, activity.TraceId.ToHexString().Length);
    }

    [Fact]
    public void Recording_exemplars_on_existing_series_allocates_nothing()
    {
        var registry = new WorkerRegistry();
        var counter = registry.Counter("c", "C", "k").WithLabels("a");
        var histogram = Hist(registry, "h", [1, 2], "k").WithLabels("a");
        var trace = Exemplar.FromTrace(TraceA, SpanA);
        var labelled = new Exemplar(new KeyValuePair<string, string>("user", "u"));
        counter.Inc(1, trace);
        histogram.Observe(0.5, trace);
        histogram.Observe(1.5, trace);
        histogram.Observe(9, trace);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            counter.Inc(1, trace);
            counter.Inc(2, labelled);
            histogram.Observe(i % 3, trace);
            histogram.Observe(0.5, labelled);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(30_001, counter.Value);
    }

    [Fact]
    public void On_the_system_clock_a_cell_switching_between_trace_and_label_exemplars_keeps_only_the_last_ones_labels()
    {
        // The system clock is the path that writes a cell in place with only the references the exemplar's kind uses.
        var registry = new WorkerRegistry();
        var counter = registry.Counter("c", "C");
        var histogram = Hist(registry, "h", [1]);
        var user = new Exemplar(new KeyValuePair<string, string>("user", "u1"));
        counter.Inc(1, Exemplar.FromTrace(TraceA, SpanA).WithTimestamp(At(1)));
        counter.Inc(2, user.WithTimestamp(At(2)));
        histogram.Observe(0.5, user.WithTimestamp(At(3)));
        histogram.Observe(0.6, Exemplar.FromTrace(TraceB, SpanB).WithTimestamp(At(4)));
        histogram.Observe(7, Exemplar.FromTrace(TraceA, SpanA).WithTimestamp(At(5)));
        histogram.Observe(8, user.WithTimestamp(At(6)));
        var afterLabels = Collected(registry);
        counter.Inc(3, Exemplar.FromTrace(TraceB, SpanB).WithTimestamp(At(7)));
        histogram.Observe(9, Exemplar.FromTrace(TraceB, SpanB).WithTimestamp(At(8)));

        Assert.Equal(
            [
                "c {user=\"u1\"} 2 @1600000000002 from []",
                "h {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\",span_id=\"00f067aa0ba902b7\"} 0.6 @1600000000004 from []",
                "h {user=\"u1\"} 8 @1600000000006 from []",
            ],
            afterLabels);
        Assert.Equal(
            [
                "c {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\",span_id=\"00f067aa0ba902b7\"} 3 @1600000000007 from []",
                "h {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\",span_id=\"00f067aa0ba902b7\"} 0.6 @1600000000004 from []",
                "h {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\",span_id=\"00f067aa0ba902b7\"} 9 @1600000000008 from []",
            ],
            Collected(registry));
    }

    [Fact]
    public void On_the_system_clock_an_exemplar_without_a_timestamp_is_stamped_with_the_exemplar_clock()
    {
        var registry = new WorkerRegistry();
        var histogram = Hist(registry, "h", [1]);
        histogram.Observe(0.5, Exemplar.FromTrace(TraceA, SpanA));

        // The clock only moves forward, so the stamp lies between two readings taken around the second record.
        var before = ExemplarClock.NowMs;
        histogram.Observe(0.25, Exemplar.FromTrace(TraceB, SpanB));
        var after = ExemplarClock.NowMs;

        var exemplar = registry.Collect().Find("h")!.Series[0].Exemplars[0]!;
        Assert.Equal(0.25, exemplar.Value);
        Assert.InRange(exemplar.TimestampMs, before, after);
    }

    [Fact]
    public void On_the_system_clock_an_invalid_exemplar_after_a_valid_one_throws_after_counting_and_keeps_the_valid_one()
    {
        var registry = new WorkerRegistry();
        var counter = registry.Counter("c", "C");
        var histogram = Hist(registry, "h", [1]);
        var bad = new Exemplar(new("span_id", "x"), new("1st", "v"));
        counter.Inc(1, Exemplar.FromTrace(TraceA, SpanA).WithTimestamp(At(1)));
        histogram.Observe(0.5, Exemplar.FromTrace(TraceA, SpanA).WithTimestamp(At(2)));

        var counterError = Assert.Throws<ArgumentException>(() => counter.Inc(4, bad));
        var histogramError = Assert.Throws<ArgumentException>(() => histogram.Observe(0.75, bad));

        const string Problem = "Exemplar label name '1st' is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]* and not start with '__'. The value was recorded without it. (Parameter 'exemplar')";
        Assert.Equal(Problem, counterError.Message);
        Assert.Equal(Problem, histogramError.Message);
        Assert.Equal(5, counter.Unlabelled.Value);
        Assert.Equal(2, histogram.Unlabelled.Count);
        Assert.Equal(
            [
                "c {trace_id=\"0af7651916cd43dd8448eb211c80319c\",span_id=\"b7ad6b7169203331\"} 1 @1600000000001 from []",
                "h {trace_id=\"0af7651916cd43dd8448eb211c80319c\",span_id=\"b7ad6b7169203331\"} 0.5 @1600000000002 from []",
            ],
            Collected(registry));
    }

    [Fact]
    public void A_collection_reuses_the_exemplar_it_built_until_a_new_one_is_recorded()
    {
        var registry = Registries.Worker();
        var counter = registry.Counter("c", "C");
        counter.Inc(1, Exemplar.FromTrace(TraceA, SpanA));

        var first = registry.Collect().Find("c")!.Series[0].Exemplars[0];
        var second = registry.Collect().Find("c")!.Series[0].Exemplars[0];
        counter.Inc(1, Exemplar.FromTrace(TraceA, SpanA));
        var third = registry.Collect().Find("c")!.Series[0].Exemplars[0];

        Assert.Same(first, second);
        Assert.NotSame(second, third);
        Assert.True(ExemplarSnapshot.Same(second, third));
    }

    [Fact]
    public void A_shared_registry_records_exemplars_from_many_threads_and_keeps_one_of_them_whole()
    {
        var registry = Registries.Shared();
        var counter = registry.Counter("c", "C");
        var histogram = Hist(registry, "h", [10]);
        var traces = Enumerable.Range(0, 4).Select(_ => (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom())).ToArray();
        var threads = traces.Select((t, n) => new Thread(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                counter.Inc(n + 1, Exemplar.FromTrace(t.Item1, t.Item2));
                histogram.Observe(n, Exemplar.FromTrace(t.Item1, t.Item2));
            }
        })).ToArray();
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());

        var snapshot = registry.Collect();
        var counted = snapshot.Find("c")!.Series[0];
        Assert.Equal(200_000, counted.Value);
        var kept = counted.Exemplars[0]!;
        var n = Array.FindIndex(traces, t => t.Item1.ToHexString() == kept.Labels[0].Value);
        Assert.Equal(traces[n].Item2.ToHexString(), kept.Labels[1].Value);
        Assert.Equal(n + 1, kept.Value);
        var bucket = snapshot.Find("h")!.Series[0].Exemplars[0]!;
        Assert.Equal(Array.FindIndex(traces, t => t.Item1.ToHexString() == bucket.Labels[0].Value), bucket.Value);
    }

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(1_600_000_000_000 + ms);

    // Every exemplar of the registry as "family exemplar", in family and bucket order.
    private static string[] Collected(MetricRegistry registry) =>
        [.. registry.Collect().Families.OrderBy(f => f.Definition.Name, StringComparer.Ordinal)
            .SelectMany(f => f.Series.SelectMany(s => s.Exemplars).Where(e => e is not null).Select(e => f.Definition.Name + " " + e))];

    private static Histogram Hist(MetricRegistry registry, string name, double[] buckets, params string[] labels) =>
        registry.Histogram(name, new MetricOptions { Help = "H", Buckets = buckets, LabelNames = labels });
}
