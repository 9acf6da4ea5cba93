namespace Aggregator.Metrics.Tests.Registry;

public sealed class SharedRegistrySpec
{
    private const int Threads = 4;
    private const int PerThread = 100_000;
    private const int Million = 1_000_000;

    private static void RunTogether(int threads, Action<int> body) => Together.Run(threads, body);

    [Fact]
    public void A_shared_registry_is_thread_safe()
    {
        var registry = new SharedRegistry();
        Assert.True(registry.IsThreadSafe);
    }

    [Fact]
    public void Concurrent_increments_give_the_exact_total()
    {
        var registry = Registries.Shared();
        var cached = registry.Counter("cached", "C").Unlabelled;
        var labelled = registry.Counter("labelled", "L", "k");
        var gauge = registry.Gauge("g", "G");
        var histogram = registry.Histogram("h", new MetricOptions { Help = "H", Buckets = [0.5] });
        var summary = registry.Summary("s", "S");

        RunTogether(Threads, _ =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                cached.Inc();
                labelled.WithLabels("x").Inc(2);
                gauge.Inc();
                histogram.Observe(i % 2);
                summary.Observe(1);
            }
        });

        Assert.Equal(
            """
            # HELP cached_total C
            # TYPE cached_total counter
            cached_total 400000
            # HELP g G
            # TYPE g gauge
            g 400000
            # HELP h H
            # TYPE h histogram
            h_bucket{le="0.5"} 200000
            h_bucket{le="+Inf"} 400000
            h_count 400000
            h_sum 200000
            # HELP labelled_total L
            # TYPE labelled_total counter
            labelled_total{k="x"} 800000
            # HELP s S
            # TYPE s summary
            s_count 400000
            s_sum 400000

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Concurrent_name_based_increments_give_the_exact_total()
    {
        var registry = Registries.Shared();
        registry.Counter("c", "C", "k");
        RunTogether(Threads, t =>
        {
            for (var i = 0; i < PerThread / 4; i++)
            {
                registry.Inc("c", "same");
                registry.Inc("c", t % 2 == 0 ? "even" : "odd");
            }
        });

        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total{k="even"} 50000
            c_total{k="odd"} 50000
            c_total{k="same"} 100000

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Concurrent_WithLabels_of_the_same_values_creates_one_child()
    {
        var registry = Registries.Shared();
        var counter = registry.Counter("c", "C", "a", "b");
        var children = new Counter.Child[Threads][];
        RunTogether(Threads, t =>
        {
            var mine = new Counter.Child[200];
            for (var i = 0; i < mine.Length; i++)
            {
                mine[i] = counter.WithLabels("v", (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture));
                mine[i].Inc();
            }

            children[t] = mine;
        });

        Assert.Equal(50, counter.SeriesCount);
        for (var i = 0; i < 200; i++)
        {
            for (var t = 1; t < Threads; t++)
            {
                Assert.Same(children[0][i], children[t][i]);
            }
        }

        Assert.All(registry.Collect().Find("c")!.Series, s => Assert.Equal(Threads * 4, s.Value));
    }

    [Fact]
    public void Concurrent_declarations_return_one_family()
    {
        var registry = Registries.Shared();
        var families = new Counter[Threads];
        RunTogether(Threads, t => families[t] = registry.Counter("c", "C", "k"));
        Assert.All(families, f => Assert.Same(families[0], f));
        Assert.Single(registry.Collect().Families);
    }

    [Fact]
    public void Collecting_while_others_update_sees_whole_series()
    {
        var registry = Registries.Shared();
        var histogram = registry.Histogram("h", new MetricOptions { Buckets = [1] });
        var stop = 0;
        var updater = new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                histogram.Observe(0.5);
            }
        });
        updater.Start();
        for (var i = 0; i < 200; i++)
        {
            var s = registry.Collect().Find("h")!.Series[0];
            Assert.Equal(s.Count, s.CumulativeBuckets[0]);

            // Lock-free: the sum never holds an observation the buckets lack, though the buckets may run ahead of it.
            Assert.InRange(s.Sum, 0, s.Count * 0.5);
        }

        Volatile.Write(ref stop, 1);
        updater.Join();
        var last = registry.Collect().Find("h")!.Series[0];
        Assert.Equal(last.Count * 0.5, last.Sum);
    }

    [Fact]
    public void Four_threads_of_a_million_increments_on_one_counter_give_the_exact_total()
    {
        var registry = Registries.Shared();
        var counter = registry.Counter("c", "C").Unlabelled;
        var fractional = registry.Counter("f", "F").Unlabelled;

        RunTogether(Threads, _ =>
        {
            for (var i = 0; i < Million; i++)
            {
                counter.Inc();
                if (i % 4 == 0)
                {
                    fractional.Inc(0.25);
                    fractional.Inc();
                }
            }
        });

        Assert.Equal(4_000_000, counter.Value);
        Assert.Equal(1_250_000, fractional.Value);
        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total 4000000
            # HELP f_total F
            # TYPE f_total counter
            f_total 1250000

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Histogram_snapshots_taken_while_four_threads_observe_have_count_equal_to_the_sum_of_buckets()
    {
        var registry = Registries.Shared();
        var histogram = registry.Histogram("h", new MetricOptions { Help = "H", Buckets = [1, 4] }).Unlabelled;
        var done = 0;
        var snapshots = 0;
        long previous = 0;
        var observers = new Thread(() =>
        {
            RunTogether(Threads, _ =>
            {
                for (var i = 0; i < Million; i++)
                {
                    histogram.Observe(i % 2 == 0 ? 0.5 : 2);
                }
            });
            Volatile.Write(ref done, 1);
        });
        observers.Start();
        while (Volatile.Read(ref done) == 0)
        {
            var s = registry.Collect().Find("h")!.Series[0];
            Assert.Equal(s.Count, s.CumulativeBuckets[^1]);
            Assert.Equal(s.CumulativeBuckets[1], s.CumulativeBuckets[2]);
            Assert.InRange(s.Count, previous, Threads * Million);
            Assert.True(s.Sum <= s.CumulativeBuckets[0] * 0.5 + (s.Count - s.CumulativeBuckets[0]) * 2, $"sum {s.Sum} holds more than buckets {string.Join(',', s.CumulativeBuckets)}");
            previous = s.Count;
            snapshots++;
        }

        observers.Join();
        Assert.True(snapshots > 0);
        Assert.Equal(
            """
            # HELP h H
            # TYPE h histogram
            h_bucket{le="1.0"} 2000000
            h_bucket{le="4.0"} 4000000
            h_bucket{le="+Inf"} 4000000
            h_count 4000000
            h_sum 5000000

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Four_threads_of_a_million_summary_observations_give_the_exact_count_and_sum()
    {
        var registry = Registries.Shared();
        var summary = registry.Summary("s", "S").Unlabelled;

        RunTogether(Threads, _ =>
        {
            for (var i = 0; i < Million; i++)
            {
                summary.Observe(1.5);
            }
        });

        Assert.Equal(4_000_000, summary.Count);
        Assert.Equal(6_000_000, summary.Sum);
    }

    [Fact]
    public void Gauge_increments_and_decrements_from_four_threads_are_all_kept()
    {
        var registry = Registries.Shared();
        var gauge = registry.Gauge("g", "G").Unlabelled;

        RunTogether(Threads, t =>
        {
            for (var i = 0; i < Million; i++)
            {
                if (t == 0 && i % 2 == 0)
                {
                    gauge.Dec(2);
                }
                else
                {
                    gauge.Inc();
                }
            }
        });

        // Three threads add 1,000,000 each; the fourth adds 500,000 and takes away 1,000,000.
        Assert.Equal(2_500_000, gauge.Value);
    }

    [Fact]
    public void A_gauge_increment_never_undoes_a_concurrent_set()
    {
        const double Set = 1e12;
        var registry = Registries.Shared();
        var gauge = registry.Gauge("g", "G").Unlabelled;

        RunTogether(Threads, t =>
        {
            for (var i = 0; i < Million / 4; i++)
            {
                if (t == 0)
                {
                    gauge.Set(Set);
                }
                else
                {
                    gauge.Inc();
                }
            }
        });

        // Every increment lands before the last set (and is overwritten) or after it (and is kept): an increment that
        // wrote back a value read before a set would leave less than the set value.
        var value = gauge.Value;
        Assert.InRange(value, Set, Set + (3 * Million / 4));
        Assert.Equal(Math.Floor(value), value);
    }

    [Fact]
    public void A_mostrecent_gauge_set_from_four_threads_always_shows_a_value_with_its_own_time()
    {
        var clock = new PerThreadClock(Registries.T0);
        var registry = new SharedRegistry(new MetricCatalog(new MetricsOptions { TimeProvider = clock }));
        var gauge = registry.Gauge("g", new MetricOptions { Help = "G", GaugePolicy = GaugeMergePolicy.MostRecent }).Unlabelled;
        var done = 0;
        var snapshots = 0;
        var setters = new Thread(() =>
        {
            RunTogether(Threads, t =>
            {
                // Each thread's times are its own (t, t + 4, t + 8, ...), and each update sets the time it will be stamped with.
                for (long i = 1; i <= Million / 4; i++)
                {
                    var ms = Registries.T0 + (i * Threads) + t;
                    clock.Now = ms;
                    gauge.Set(ms);
                }
            });
            Volatile.Write(ref done, 1);
        });
        setters.Start();
        while (Volatile.Read(ref done) == 0)
        {
            var s = registry.Collect().Find("g")!.Series[0];
            if (s.TimestampMs != SeriesSnapshot.NoTimestamp)
            {
                Assert.Equal(s.TimestampMs, (long)s.Value);
            }

            snapshots++;
        }

        setters.Join();
        Assert.True(snapshots > 0);
        var last = registry.Collect().Find("g")!.Series[0];
        Assert.Equal(last.TimestampMs, (long)last.Value);
        Assert.Equal((long)gauge.Value, last.TimestampMs);
    }

    [Fact]
    public void A_mostrecent_gauge_incremented_from_four_threads_keeps_every_increment_and_the_latest_time()
    {
        var clock = new ManualClock(Registries.T0);
        var registry = Registries.Shared(clock: clock);
        var gauge = registry.Gauge("g", new MetricOptions { Help = "G", GaugePolicy = GaugeMergePolicy.MostRecent, Timestamped = true }).Unlabelled;

        RunTogether(Threads, _ =>
        {
            for (var i = 0; i < Million / 4; i++)
            {
                gauge.Inc();
            }
        });
        clock.EpochMilliseconds = Registries.T0 + 7;
        gauge.Inc(0.5);

        Assert.Equal(
            """
            # HELP g G
            # TYPE g gauge
            g 1000000.5 1700000000507

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void A_timestamped_counter_incremented_from_four_threads_keeps_the_latest_time()
    {
        var clock = new ManualClock(Registries.T0);
        var registry = Registries.Shared(clock: clock);
        var counter = registry.Counter("c", new MetricOptions { Help = "C", Timestamped = true }).Unlabelled;

        RunTogether(Threads, _ =>
        {
            for (var i = 0; i < Million / 4; i++)
            {
                counter.Inc();
            }
        });
        clock.EpochMilliseconds = Registries.T0 + 9;
        counter.Inc(0.5);
        clock.EpochMilliseconds = Registries.T0 + 3;
        counter.Inc();

        // The clock stepped back for the last increment: the time stays at the latest one.
        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total 1000001.5 1700000000509

            """,
            Expose.Text(registry));
    }

    /// <summary>A clock each thread sets for itself, so that a test knows the time its next update is stamped with.</summary>
    private sealed class PerThreadClock(long start) : TimeProvider
    {
        private readonly ThreadLocal<long> _now = new(() => start);

        public long Now
        {
            set => _now.Value = value;
        }

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(_now.Value);
    }
}
