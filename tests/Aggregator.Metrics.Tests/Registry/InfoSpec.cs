namespace Aggregator.Metrics.Tests.Registry;

public sealed class InfoSpec
{
    [Theory]
    [InlineData("build")]
    [InlineData("build_info")]
    public void Info_is_a_gauge_named_info_in_text_and_an_info_in_OpenMetrics(string declared)
    {
        var registry = Registries.Worker();
        var build = registry.Info(declared, "Build information", "version", "commit");
        build.Set("1.2.3", "abc123");

        Assert.Equal("build", build.Definition.Name);
        Assert.Equal(
            """
            # HELP build_info Build information
            # TYPE build_info gauge
            build_info{version="1.2.3",commit="abc123"} 1

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP build Build information
            # TYPE build info
            build_info{version="1.2.3",commit="abc123"} 1
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void An_info_with_no_values_yet_has_no_series()
    {
        var registry = Registries.Worker();
        var info = registry.Info("machine", "Machine", "role");
        Assert.Null(info.LabelValues);
        Assert.Equal(0, info.SeriesCount);
        Assert.Equal(0, info.DroppedSeries);
        Assert.Equal("# HELP machine_info Machine\n# TYPE machine_info gauge\n", Expose.Text(registry));
        Assert.Equal("# HELP machine Machine\n# TYPE machine info\n# EOF\n", Expose.OpenMetrics(registry));
    }

    [Fact]
    public void Setting_new_values_replaces_the_previous_ones()
    {
        var registry = Registries.Worker();
        var info = registry.Info("machine", "Machine", "role");
        info.Set("web");
        registry.SetInfo("machine", "db");
        Assert.Equal(["db"], info.LabelValues);
        Assert.Equal(1, info.SeriesCount);
        Assert.Equal(
            """
            # HELP machine_info Machine
            # TYPE machine_info gauge
            machine_info{role="db"} 1

            """,
            Expose.Text(registry));
    }

    [Fact]
    public void Info_without_labels_is_refused()
    {
        var registry = Registries.Worker();
        Assert.Equal(
            "Info metric 'build' needs at least one label. (Parameter 'LabelNames')",
            Assert.Throws<MetricDefinitionException>(() => registry.Info("build", "B")).Message);
        Assert.Equal(
            "Info metric 'build' needs at least one label. (Parameter 'LabelNames')",
            Assert.Throws<MetricDefinitionException>(() => registry.Info("build_info", new MetricOptions())).Message);
    }

    [Fact]
    public void Wrong_value_count_and_null_values_are_refused_and_keep_the_old_values()
    {
        var registry = Registries.Worker();
        var info = registry.Info("build", "B", "version", "commit");
        info.Set("1", "a");
        Assert.Equal(
            "Info metric 'build' has 2 label(s) [version,commit] but 1 value(s) were given. (Parameter 'labelValues')",
            Assert.Throws<ArgumentException>(() => info.Set("2")).Message);
        Assert.Equal(
            "Info metric 'build' has 2 label(s) [version,commit] but 3 value(s) were given. (Parameter 'labelValues')",
            Assert.Throws<ArgumentException>(() => registry.SetInfo("build", "2", "b", "c")).Message);
        Assert.Equal(
            "Info metric 'build': the value of label 'commit' is null. (Parameter 'labelValues')",
            Assert.Throws<ArgumentNullException>(() => info.Set("2", null!)).Message);
        Assert.Equal(["1", "a"], info.LabelValues);
    }

    [Fact]
    public void A_timestamped_info_records_when_it_was_set()
    {
        var clock = new ManualClock(1_700_000_000_000);
        var registry = Registries.Worker(clock: clock);
        var info = registry.Info("build", new MetricOptions { Help = "B", LabelNames = ["version"], Timestamped = true });
        info.Set("1");
        clock.EpochMilliseconds = 1_700_000_007_000;
        info.Set("2");

        Assert.Equal(
            """
            # HELP build_info B
            # TYPE build_info gauge
            build_info{version="2"} 1 1700000007000

            """,
            Expose.Text(registry));
        Assert.Equal(
            """
            # HELP build B
            # TYPE build info
            build_info{version="2"} 1 1700000007
            # EOF

            """,
            Expose.OpenMetrics(registry));
    }

    [Fact]
    public void A_shared_info_works_the_same()
    {
        var registry = Registries.Shared();
        var info = registry.Info("build", "B", "version");
        info.Set("9");
        Assert.Equal(["9"], info.LabelValues);
        Assert.Equal("# HELP build_info B\n# TYPE build_info gauge\nbuild_info{version=\"9\"} 1\n", Expose.Text(registry));
    }
}
