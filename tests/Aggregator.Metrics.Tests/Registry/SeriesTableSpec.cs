namespace Aggregator.Metrics.Tests.Registry;

/// <summary>The series table finds each series by its values, also when every series has the same hash.</summary>
public sealed class SeriesTableSpec
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(100)]
    public void Series_that_share_one_hash_are_told_apart_by_their_values(int series)
    {
        var family = Registries.Worker().Counter("c", "C", "a", "b");
        var table = new SeriesTable<Counter.Child>();
        var children = new List<Counter.Child>();
        for (var i = 0; i < series; i++)
        {
            var child = family.WithLabels($"x{i}", $"y{i}");
            children.Add(child);
            table.Add(child, hash: 42);
        }

        Assert.Equal(series, table.Count);
        for (var i = 0; i < series; i++)
        {
            // Fresh strings, equal to the stored ones but not the same objects.
            var first = new string($"x{i}".AsSpan());
            var second = new string($"y{i}".AsSpan());
            Assert.Same(children[i], table.Find(first, second, 42));
            Assert.Same(children[i], table.Find([first, second], 42));
        }

        Assert.Null(table.Find("x0", "y1", 42));
        Assert.Null(table.Find(["x0", "y1"], 42));
        Assert.Null(table.Find("y0", "x0", 42));
        Assert.Null(table.Find("x0", "y0", 43));
        Assert.Null(table.Find(["x0"], 42));
        Assert.Null(table.Find(["x0", "y0", "z0"], 42));
    }

    [Fact]
    public void A_two_value_find_does_not_match_a_series_of_another_length()
    {
        var registry = Registries.Worker();
        var one = registry.Counter("one", "One", "a").WithLabels("x");
        var three = registry.Counter("three", "Three", "a", "b", "c").WithLabels("x", "y", "z");
        var table = new SeriesTable<Counter.Child>();
        table.Add(one, hash: 7);
        table.Add(three, hash: 7);

        Assert.Null(table.Find("x", "y", 7));
        Assert.Same(one, table.Find(["x"], 7));
        Assert.Same(three, table.Find(["x", "y", "z"], 7));
    }

    [Fact]
    public void The_two_value_hash_equals_the_hash_of_the_pair()
    {
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var first = RandomString(random);
            var second = RandomString(random);
            Assert.Equal(LabelHash.Of([first, second]), LabelHash.Of(first, second));
            Assert.Equal(LabelHash.Of(first), LabelHash.Of(new string(first.AsSpan())));
        }
    }

    [Fact]
    public void Values_that_differ_in_one_character_or_in_length_hash_apart()
    {
        // Not a guarantee of the hash, but with a 32-bit result a collision among these few is a broken hash.
        var values = new List<string> { string.Empty, "\0", "\0\0", "\0\0\0", "\0\0\0\0", "\0\0\0\0\0" };
        for (var length = 1; length <= 17; length++)
        {
            var baseValue = new string('a', length);
            values.Add(baseValue);
            for (var position = 0; position < length; position++)
            {
                values.Add(string.Create(length, position, static (span, p) =>
                {
                    span.Fill('a');
                    span[p] = 'b';
                }));
            }
        }

        Assert.Equal(values.Count, values.Select(LabelHash.Of).Distinct().Count());
        Assert.NotEqual(LabelHash.Of("GET", "200"), LabelHash.Of("200", "GET"));
        Assert.NotEqual(LabelHash.Of(["GET", "200"]), LabelHash.Of(["GET200"]));
    }

    private static string RandomString(Random random) =>
        string.Create(random.Next(0, 24), random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)r.Next(0, 0x3000);
            }
        });
}
