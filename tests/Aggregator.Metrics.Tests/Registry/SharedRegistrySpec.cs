namespace Aggregator.Metrics.Tests.Registry;

public sealed class SharedRegistrySpec
{
    private const int Threads = 4;
    private const int PerThread = 100_000;

    private static void RunTogether(int threads, Action<int> body)
    {
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads)
            .Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                body(t);
            }))
            .ToArray();
        foreach (var w in workers)
        {
            w.Start();
        }

        foreach (var w in workers)
        {
            w.Join();
        }
    }

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
            Assert.Equal(s.Count * 0.5, s.Sum);
        }

        Volatile.Write(ref stop, 1);
        updater.Join();
    }
}
