namespace Aggregator.Metrics.Tests.Snapshots;

public sealed class LabelValuesComparerSpec
{
    private static readonly LabelValuesComparer Comparer = LabelValuesComparer.Instance;

    [Theory]
    [InlineData(new[] { "a" }, new[] { "b" }, -1)]
    [InlineData(new[] { "b" }, new[] { "a" }, 1)]
    [InlineData(new[] { "a", "b" }, new[] { "a", "b" }, 0)]
    [InlineData(new[] { "B" }, new[] { "a" }, -1)]
    [InlineData(new[] { "10" }, new[] { "9" }, -1)]
    [InlineData(new[] { "" }, new[] { "a" }, -1)]
    [InlineData(new[] { "a", "z" }, new[] { "b", "a" }, -1)]
    [InlineData(new[] { "a" }, new[] { "a", "a" }, -1)]
    [InlineData(new[] { "\u00e9" }, new[] { "z" }, 1)]
    public void Compares_value_by_value_ordinally(string[] x, string[] y, int sign)
    {
        Assert.Equal(sign, Math.Sign(Comparer.Compare(x, y)));
        Assert.Equal(-sign, Math.Sign(Comparer.Compare(y, x)));
        Assert.Equal(sign, Math.Sign(Comparer.Compare(SeriesSnapshot.ForValue(x, 0), SeriesSnapshot.ForValue(y, 0))));
    }

    [Fact]
    public void Null_sorts_first()
    {
        string[] a = ["a"];
        Assert.Equal(0, Comparer.Compare(a, a));
        Assert.Equal(0, Comparer.Compare((string[]?)null, null));
        Assert.Equal(-1, Comparer.Compare(null, a));
        Assert.Equal(1, Comparer.Compare(a, null));
    }
}
