namespace Aggregator.Metrics.Tests.Snapshots;

public sealed class MetricsSnapshotSpec
{
    private static MetricFamilySnapshot Family(string name) => new(new MetricDefinition(MetricType.Gauge, name), []);

    [Fact]
    public void Families_are_sorted_ordinally_by_name()
    {
        var snapshot = new MetricsSnapshot([Family("b"), Family("a_b"), Family("B"), Family("a")]);
        Assert.Equal(["B", "a", "a_b", "b"], snapshot.Families.Select(f => f.Name));
    }

    [Fact]
    public void Find_uses_the_family_name()
    {
        var counter = new MetricFamilySnapshot(new MetricDefinition(MetricType.Counter, "c_total"), []);
        var snapshot = new MetricsSnapshot([Family("x"), counter, Family("m"), Family("a")]);
        Assert.Same(counter, snapshot.Find("c"));
        Assert.Null(snapshot.Find("c_total"));
        Assert.Equal("a", snapshot.Find("a")!.Name);
        Assert.Equal("x", snapshot.Find("x")!.Name);
        Assert.Null(snapshot.Find("z"));
        Assert.Null(snapshot.Find(string.Empty));
    }

    [Fact]
    public void Two_families_with_one_name_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MetricsSnapshot([Family("a"), Family("b"), Family("a")]));
        Assert.Equal("Two families are named 'a'. (Parameter 'families')", ex.Message);
        Assert.Equal("families", Assert.Throws<ArgumentNullException>(() => new MetricsSnapshot(null!)).ParamName);
    }

    [Fact]
    public void Empty_has_no_families()
    {
        Assert.Empty(MetricsSnapshot.Empty.Families);
        Assert.Null(MetricsSnapshot.Empty.Find("a"));
        Assert.Same(MetricsSnapshot.Empty, MetricsSnapshot.Empty);
    }
}
