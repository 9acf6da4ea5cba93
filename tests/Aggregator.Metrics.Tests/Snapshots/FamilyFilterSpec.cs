namespace Aggregator.Metrics.Tests.Snapshots;

public sealed class FamilyFilterSpec
{
    // An info metric needs a label; its family name drops the "_info" its sample keeps.
    private static MetricDefinition Def(MetricType type, string name) => new(type, name, "help", type == MetricType.Info ? ["version"] : []);

    [Theory]
    [InlineData(MetricType.Counter, "jobs", "jobs", true)]
    [InlineData(MetricType.Counter, "jobs", "jobs_total", true)]
    [InlineData(MetricType.Counter, "jobs", "jobs_created", true)]
    [InlineData(MetricType.Counter, "jobs", "jobs_count", false)]
    [InlineData(MetricType.Gauge, "jobs", "jobs_total", false)]
    [InlineData(MetricType.Gauge, "jobs_total", "jobs_total", true)]
    [InlineData(MetricType.Histogram, "latency", "latency_bucket", true)]
    [InlineData(MetricType.Histogram, "latency", "latency_sum", true)]
    [InlineData(MetricType.Histogram, "latency", "latency_info", false)]
    [InlineData(MetricType.Summary, "latency", "latency_count", true)]
    [InlineData(MetricType.Summary, "latency", "latency_bucket", false)]
    [InlineData(MetricType.Info, "build_info", "build_info", true)]
    [InlineData(MetricType.Info, "build_info", "build", true)]
    [InlineData(MetricType.Info, "build_info", "build_info_info", false)]
    [InlineData(MetricType.Counter, "jobs", "job", false)]
    [InlineData(MetricType.Counter, "jobs", "jobs_totals", false)]
    [InlineData(MetricType.Counter, "jobs", "jobsx", false)]
    public void A_name_selects_a_family_by_its_name_or_one_of_its_sample_names(MetricType type, string family, string name, bool selected)
    {
        Assert.Equal(selected, new FamilyFilter([name]).Matches(Def(type, family)));
    }

    [Fact]
    public void No_names_select_every_family_and_apply_returns_the_same_snapshot()
    {
        var snapshot = new MetricsSnapshot([new MetricFamilySnapshot(Def(MetricType.Gauge, "g"), [SeriesSnapshot.ForValue([], 1)])]);

        Assert.True(new FamilyFilter([null, string.Empty]).IsAll);
        Assert.Same(snapshot, FamilyFilter.All.Apply(snapshot));
        Assert.Same(snapshot, new FamilyFilter(["g"]).Apply(snapshot));
        Assert.Empty(new FamilyFilter(["h"]).Apply(snapshot).Families);
    }

    [Fact]
    public void Filters_are_equal_exactly_when_their_sets_of_names_are()
    {
        Assert.Equal(new FamilyFilter(["b", "a", "a"]), new FamilyFilter(["a", "b"]));
        Assert.Equal(new FamilyFilter(["b", "a"]).GetHashCode(), new FamilyFilter(["a", "b"]).GetHashCode());
        Assert.Equal(["a", "b"], new FamilyFilter(["b", "a", "a"]).Names);

        // No joined-string key: a name holding a delimiter is one name, not two.
        Assert.NotEqual(new FamilyFilter(["a\nb"]), new FamilyFilter(["a", "b"]));
        Assert.NotEqual(new FamilyFilter(["a,b"]), new FamilyFilter(["a", "b"]));
        Assert.NotEqual(FamilyFilter.All, new FamilyFilter(["a"]));
    }

    [Fact]
    public void Update_replaces_the_selected_families_and_keeps_the_others()
    {
        static MetricFamilySnapshot C(string name, double value) => new(Def(MetricType.Counter, name), [SeriesSnapshot.ForValue([], value)]);
        var previous = new MetricsSnapshot([C("a", 1), C("b", 2), C("gone", 3)]);
        var answer = new MetricsSnapshot([C("b", 5), C("new", 7)]);

        var updated = new FamilyFilter(["b_total", "gone", "new"]).Update(previous, answer);

        Assert.Equal(["a=1", "b=5", "new=7"], updated.Families.Select(f => $"{f.Name}={f.Series[0].Value}"));
        Assert.Same(answer, FamilyFilter.All.Update(previous, answer));
        Assert.Same(answer, new FamilyFilter(["b"]).Update(null, answer));
    }
}
