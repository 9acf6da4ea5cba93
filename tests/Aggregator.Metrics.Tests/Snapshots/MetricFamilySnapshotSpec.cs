namespace Aggregator.Metrics.Tests.Snapshots;

public sealed class MetricFamilySnapshotSpec
{
    private static readonly MetricDefinition Gauge = new(MetricType.Gauge, "g", "G", ["a", "b"]);
    private static readonly MetricDefinition Histogram = new(MetricType.Histogram, "h", "H", ["a"], buckets: [1, 2]);

    [Fact]
    public void Series_are_sorted_by_label_values()
    {
        var family = new MetricFamilySnapshot(Gauge,
        [
            SeriesSnapshot.ForValue(["b", "a"], 1),
            SeriesSnapshot.ForValue(["a", "b"], 2),
            SeriesSnapshot.ForValue(["a", "a"], 3),
            SeriesSnapshot.ForValue(["B", "z"], 4),
        ]);
        Assert.Equal("g", family.Name);
        Assert.Same(Gauge, family.Definition);
        Assert.Equal([4.0, 3, 2, 1], family.Series.Select(s => s.Value));
    }

    [Fact]
    public void A_wrong_label_count_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MetricFamilySnapshot(Gauge, [SeriesSnapshot.ForValue(["a"], 1)]));
        Assert.Equal("A series of 'g' has 1 label values; the family has 2 label names. (Parameter 'Series')", ex.Message);
    }

    [Fact]
    public void A_null_label_value_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MetricFamilySnapshot(Gauge, [SeriesSnapshot.ForValue(["a", null!], 1)]));
        Assert.Equal("A series of 'g' has a null value for label 'b'. (Parameter 'Series')", ex.Message);
    }

    [Fact]
    public void A_default_series_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MetricFamilySnapshot(Gauge, [default]));
        Assert.Equal("A series of 'g' has 0 label values; the family has 2 label names. (Parameter 'Series')", ex.Message);
    }

    [Fact]
    public void A_duplicate_label_set_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MetricFamilySnapshot(Gauge,
        [
            SeriesSnapshot.ForValue(["x", "y"], 1),
            SeriesSnapshot.ForValue(["p", "q"], 1),
            SeriesSnapshot.ForValue(["x", "y"], 2),
        ]));
        Assert.Equal("Family 'g' has two series with labels {x,y}. (Parameter 'Series')", ex.Message);
    }

    [Fact]
    public void Histogram_series_need_one_bucket_per_bound_and_one_for_infinity()
    {
        var ok = new MetricFamilySnapshot(Histogram, [SeriesSnapshot.ForHistogram(["a"], [1, 2, 3], 4)]);
        Assert.Equal(3, ok.Series[0].Count);

        Assert.Equal(
            "A series of histogram 'h' has 2 buckets; the family has 3 including +Inf. (Parameter 'Series')",
            Assert.Throws<ArgumentException>(() => new MetricFamilySnapshot(Histogram, [SeriesSnapshot.ForHistogram(["a"], [1, 2], 4)])).Message);
        Assert.Equal(
            "A series of histogram 'h' has 0 buckets; the family has 3 including +Inf. (Parameter 'Series')",
            Assert.Throws<ArgumentException>(() => new MetricFamilySnapshot(Histogram, [SeriesSnapshot.ForValue(["a"], 1)])).Message);
    }

    [Fact]
    public void Arguments_are_required()
    {
        Assert.Equal("definition", Assert.Throws<ArgumentNullException>(() => new MetricFamilySnapshot(null!, [])).ParamName);
        Assert.Equal("series", Assert.Throws<ArgumentNullException>(() => new MetricFamilySnapshot(Gauge, null!)).ParamName);
    }

    [Fact]
    public void A_family_may_have_no_series()
    {
        Assert.Empty(new MetricFamilySnapshot(Gauge, []).Series);
    }
}
