using System.Globalization;

namespace Aggregator.Metrics.Tests.Registry;

/// <summary>
/// A shared registry finds existing series without its lock while other threads add series (and grow the table):
/// every find returns the one series for its values, and two threads adding the same values get the same series.
/// </summary>
public sealed class SharedLookupSpec
{
    [Fact]
    public void Finds_beside_adds_that_grow_the_table_return_the_existing_series()
    {
        var counter = Registries.Shared().Counter("c", "C", "a", "b");
        var existing = new Counter.Child[64];
        for (var i = 0; i < existing.Length; i++)
        {
            existing[i] = counter.WithLabels("old", Key(i));
        }

        var start = new Barrier(2);
        var mismatches = 0;
        var finds = 0;
        var adder = new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 20_000; i++)
            {
                counter.WithLabels("new", Key(i)).Inc();
            }
        });
        var finder = new Thread(() =>
        {
            start.SignalAndWait();
            while (adder.IsAlive || finds < 100_000)
            {
                var i = finds % existing.Length;

                // Equal strings, not the same objects, so the full comparison runs too.
                var found = (finds & 1) == 0 ? counter.WithLabels("old", Key(i)) : counter.WithLabels(["old", Key(i)]);
                if (!ReferenceEquals(found, existing[i]))
                {
                    mismatches++;
                }

                finds++;
            }
        });
        adder.Start();
        finder.Start();
        adder.Join();
        finder.Join();

        Assert.Equal(0, mismatches);
        Assert.Equal(20_064, counter.SeriesCount);
        Assert.Equal(20_000, counter.Collect().Series.Count(s => s.LabelValues[0] == "new" && s.Value == 1));
    }

    [Fact]
    public void Two_threads_adding_the_same_values_get_one_series()
    {
        var counter = Registries.Shared().Counter("c", "C", "a", "b");
        const int keys = 5000;
        var forward = new Counter.Child[keys];
        var backward = new Counter.Child[keys];
        var start = new Barrier(2);
        var one = new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < keys; i++)
            {
                forward[i] = counter.WithLabels("k", Key(i));
                forward[i].Inc();
            }
        });
        var other = new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = keys - 1; i >= 0; i--)
            {
                backward[i] = counter.WithLabels(["k", Key(i)]);
                backward[i].Inc();
            }
        });
        one.Start();
        other.Start();
        one.Join();
        other.Join();

        Assert.Equal(keys, counter.SeriesCount);
        for (var i = 0; i < keys; i++)
        {
            Assert.Same(forward[i], backward[i]);
        }

        Assert.All(counter.Collect().Series, s => Assert.Equal(2, s.Value));
    }

    private static string Key(int i) => i.ToString(CultureInfo.InvariantCulture);
}
