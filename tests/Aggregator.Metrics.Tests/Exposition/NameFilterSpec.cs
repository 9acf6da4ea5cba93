using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Tests.Exposition;

public sealed class NameFilterSpec
{
    private static MetricsSnapshot Snapshot()
    {
        var registry = Registries.Worker();
        registry.Counter("requests_total", "R").Inc();
        registry.Gauge("depth", "D").Set(3);
        registry.Histogram("latency", new MetricOptions { Help = "L", Buckets = [1] });
        registry.Summary("rpc", "S");
        registry.Info("build", "B", "v").Set("1");
        return registry.Collect();
    }

    [Theory]
    [InlineData(new[] { "requests" }, new[] { "requests" })]
    [InlineData(new[] { "requests_total" }, new[] { "requests" })]
    [InlineData(new[] { "requests_created" }, new[] { "requests" })]
    [InlineData(new[] { "depth" }, new[] { "depth" })]
    [InlineData(new[] { "depth_total" }, new string[0])]
    [InlineData(new[] { "latency" }, new[] { "latency" })]
    [InlineData(new[] { "latency_bucket" }, new[] { "latency" })]
    [InlineData(new[] { "latency_count" }, new[] { "latency" })]
    [InlineData(new[] { "latency_sum" }, new[] { "latency" })]
    [InlineData(new[] { "latency_created" }, new[] { "latency" })]
    [InlineData(new[] { "rpc_count" }, new[] { "rpc" })]
    [InlineData(new[] { "rpc_bucket" }, new string[0])]
    [InlineData(new[] { "build" }, new[] { "build" })]
    [InlineData(new[] { "build_info" }, new[] { "build" })]
    [InlineData(new[] { "unknown" }, new string[0])]
    [InlineData(new[] { "REQUESTS" }, new string[0])]
    [InlineData(new[] { "rpc", "depth", "rpc_sum", "nothing" }, new[] { "depth", "rpc" })]
    public void Apply_keeps_the_families_any_name_denotes(string[] names, string[] kept) =>
        Assert.Equal(kept, NameFilter.Apply(Snapshot(), names).Families.Select(f => f.Name));

    [Fact]
    public void Apply_writes_only_the_kept_families()
    {
        var filtered = NameFilter.Apply(Snapshot(), ["build_info", "depth"]);
        Assert.Equal(
            """
            # HELP build_info B
            # TYPE build_info gauge
            build_info{v="1"} 1
            # HELP depth D
            # TYPE depth gauge
            depth 3

            """,
            Expose.Render(filtered, ExpositionFormat.Text));
    }

    [Fact]
    public void No_names_or_only_empty_ones_keep_everything()
    {
        var snapshot = Snapshot();
        Assert.Same(snapshot, NameFilter.Apply(snapshot, null));
        Assert.Same(snapshot, NameFilter.Apply(snapshot, []));
        Assert.Same(snapshot, NameFilter.Apply(snapshot, [string.Empty, null]));
        Assert.Same(snapshot, NameFilter.Apply(snapshot, ["requests", "depth", "latency", "rpc", "build"]));
        Assert.Equal(5, snapshot.Families.Count);
    }

    [Fact]
    public void Apply_needs_a_snapshot() =>
        Assert.Equal("snapshot", Assert.Throws<ArgumentNullException>(() => NameFilter.Apply(null!, ["a"])).ParamName);

    [Fact]
    public void A_filtered_snapshot_still_finds_its_families()
    {
        var filtered = NameFilter.Apply(Snapshot(), ["rpc_sum", "latency_bucket"]);
        Assert.NotNull(filtered.Find("latency"));
        Assert.NotNull(filtered.Find("rpc"));
        Assert.Null(filtered.Find("depth"));
    }
}
