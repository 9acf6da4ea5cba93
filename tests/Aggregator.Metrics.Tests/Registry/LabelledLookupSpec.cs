namespace Aggregator.Metrics.Tests.Registry;

/// <summary>The two-value <c>WithLabels</c> finds and creates the same series as the general one, in both registries.</summary>
public sealed class LabelledLookupSpec
{
    public static TheoryData<bool> BothRegistries() => [false, true];

    [Theory]
    [MemberData(nameof(BothRegistries))]
    public void Both_overloads_find_one_series_for_equal_values(bool shared)
    {
        var registry = Registry(shared, new MetricsOptions());
        var counter = registry.Counter("c", "C", "method", "code");
        var created = counter.WithLabels("GET", "200");
        created.Inc();

        ReadOnlySpan<string> pair = ["GET", "200"];
        Assert.Same(created, counter.WithLabels(pair));
        Assert.Same(created, counter.WithLabels(new string("GET".AsSpan()), new string("200".AsSpan())));
        counter.WithLabels(["POST", "500"]).Inc(2);
        counter.WithLabels("POST", "500").Inc(3);
        counter.WithLabels(new string("GET".AsSpan()), "200").Inc(4);

        Assert.Equal(2, counter.SeriesCount);
        Assert.Equal(
            """
            # HELP c_total C
            # TYPE c_total counter
            c_total{method="GET",code="200"} 5
            c_total{method="POST",code="500"} 5

            """,
            Expose.Text(registry));
    }

    [Theory]
    [MemberData(nameof(BothRegistries))]
    public void The_two_value_lookup_keeps_the_series_cap(bool shared)
    {
        var registry = Registry(shared, new MetricsOptions { MaxSeriesPerFamily = 2 });
        var counter = registry.Counter("c", "C", "method", "code");
        counter.WithLabels("GET", "200").Inc();
        counter.WithLabels("GET", "500").Inc();
        var overflow = counter.WithLabels("PUT", "201");
        overflow.Inc(7);

        Assert.Same(overflow, counter.WithLabels("PUT", "204"));
        Assert.Same(overflow, counter.WithLabels(["PUT", "201"]));
        Assert.NotSame(overflow, counter.WithLabels("GET", "500"));
        Assert.Equal(2, counter.SeriesCount);
        Assert.Equal(3, counter.DroppedSeries);
        Assert.Equal(
            """
            # HELP aggregator_series_dropped_total New series refused because their family reached the series cap.
            # TYPE aggregator_series_dropped_total counter
            aggregator_series_dropped_total{family="c"} 3
            # HELP c_total C
            # TYPE c_total counter
            c_total{method="GET",code="200"} 1
            c_total{method="GET",code="500"} 1

            """,
            Expose.Text(registry));
    }

    [Theory]
    [MemberData(nameof(BothRegistries))]
    public void Two_values_for_another_label_count_or_a_null_value_are_rejected(bool shared)
    {
        var registry = Registry(shared, new MetricsOptions());
        var one = registry.Counter("one", "One", "a");
        var three = registry.Counter("three", "Three", "a", "b", "c");
        var two = registry.Counter("two", "Two", "a", "b");

        Assert.Equal(
            "Metric 'one' has 1 label(s) [a] but 2 value(s) were given. (Parameter 'labelValues')",
            Assert.Throws<ArgumentException>(() => one.WithLabels("x", "y")).Message);
        Assert.Equal(
            "Metric 'three' has 3 label(s) [a,b,c] but 2 value(s) were given. (Parameter 'labelValues')",
            Assert.Throws<ArgumentException>(() => three.WithLabels("x", "y")).Message);
        Assert.Equal(
            "Metric 'two': the value of label 'a' is null. (Parameter 'labelValues')",
            Assert.Throws<ArgumentNullException>(() => two.WithLabels(null!, "y")).Message);
        Assert.Equal(
            "Metric 'two': the value of label 'b' is null. (Parameter 'labelValues')",
            Assert.Throws<ArgumentNullException>(() => two.WithLabels("x", null!)).Message);
        Assert.Equal(0, one.SeriesCount + two.SeriesCount + three.SeriesCount);
    }

    [Fact]
    public void Many_series_are_each_found_again_after_the_table_grows()
    {
        var counter = Registries.Worker().Counter("c", "C", "a", "b");
        var children = new Counter.Child[5000];
        for (var i = 0; i < children.Length; i++)
        {
            children[i] = counter.WithLabels((i % 71).ToString(System.Globalization.CultureInfo.InvariantCulture), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(5000, counter.SeriesCount);
        for (var i = 0; i < children.Length; i++)
        {
            var first = (i % 71).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var second = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Same(children[i], counter.WithLabels(first, second));
            Assert.Same(children[i], counter.WithLabels([first, second]));
        }

        Assert.Equal(5000, counter.SeriesCount);
    }

    private static MetricRegistry Registry(bool shared, MetricsOptions options) =>
        shared ? Registries.Shared(options) : Registries.Worker(options);
}
