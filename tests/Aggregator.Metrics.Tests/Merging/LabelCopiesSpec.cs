using Aggregator.Metrics.Merging;

namespace Aggregator.Metrics.Tests.Merging;

/// <summary>
/// A node's merge hands out its own copies of label sets, laid out in exposition order: same values, made once per
/// series, never the sources' arrays, and never by changing a source's snapshot.
/// </summary>
public sealed class LabelCopiesSpec
{
    private static readonly MetricDefinition Requests = new(MetricType.Counter, "requests_total", "Requests.", ["path", "method"]);

    [Fact]
    public void A_merged_family_holds_copies_of_the_sources_label_values_made_once()
    {
        var copies = new LabelCopies();
        var w0 = Family(("/a", "GET", 1), ("/c", "GET", 2));
        var w1 = Family(("/b", "POST", 3), ("/c", "GET", 4));
        var first = Merge(copies, w0, w1);

        Assert.Equal(["/a,GET=1", "/b,POST=3", "/c,GET=6"], Lines(first));
        Assert.Equal(3, copies.CopiedLabelSets);
        var sourceArrays = w0.SeriesArray.Concat(w1.SeriesArray).Select(s => s.LabelValuesArray).ToArray();
        var sourceStrings = sourceArrays.SelectMany(a => a).ToArray();
        foreach (var series in first.SeriesArray)
        {
            Assert.DoesNotContain(sourceArrays, a => ReferenceEquals(a, series.LabelValuesArray));
            Assert.All(series.LabelValuesArray, value => Assert.DoesNotContain(sourceStrings, s => ReferenceEquals(s, value)));
        }

        // A repeated value is one string: "GET" of /a and of /c.
        Assert.Same(first.SeriesArray[0].LabelValuesArray[1], first.SeriesArray[2].LabelValuesArray[1]);

        // The same arrays again, with new values: the same copies, none made.
        var second = Merge(copies, Family(w0, 10, 20), Family(w1, 30, 40));
        Assert.Equal(["/a,GET=10", "/b,POST=30", "/c,GET=60"], Lines(second));
        Assert.Equal(3, copies.CopiedLabelSets);
        for (var i = 0; i < 3; i++)
        {
            Assert.Same(first.SeriesArray[i].LabelValuesArray, second.SeriesArray[i].LabelValuesArray);
        }
    }

    [Fact]
    public void A_new_series_gets_a_copy_a_gone_one_drops_its_and_equal_values_in_a_new_array_keep_theirs()
    {
        var copies = new LabelCopies();
        var first = Merge(copies, Family(("/a", "GET", 1), ("/c", "GET", 2)), Family(("/b", "GET", 3)));
        Assert.Equal(3, copies.CopiedLabelSets);

        // /a's values arrive in new arrays (another worker holds it now), /b is gone, /d is new: one copy more.
        var second = Merge(copies, Family(("/c", "GET", 5)), Family(("/a", "GET", 7), ("/d", "PUT", 9)));
        Assert.Equal(["/a,GET=7", "/c,GET=5", "/d,PUT=9"], Lines(second));
        Assert.Equal(4, copies.CopiedLabelSets);
        Assert.Same(first.SeriesArray[0].LabelValuesArray, second.SeriesArray[0].LabelValuesArray);
        Assert.Same(first.SeriesArray[2].LabelValuesArray, second.SeriesArray[1].LabelValuesArray);

        // /b comes back after a merge without it: its copy was forgotten, so it gets another.
        var third = Merge(copies, Family(("/b", "GET", 1)), Family(("/c", "GET", 1)));
        Assert.Equal(["/b,GET=1", "/c,GET=1"], Lines(third));
        Assert.Equal(5, copies.CopiedLabelSets);
        Assert.NotSame(first.SeriesArray[1].LabelValuesArray, third.SeriesArray[0].LabelValuesArray);
    }

    [Fact]
    public void A_series_added_after_a_run_of_known_arrays_gets_a_copy_and_the_rest_keep_theirs()
    {
        var copies = new LabelCopies();
        var w0 = Family(("/a", "GET", 1), ("/c", "GET", 2));
        var w1 = Family(("/d", "GET", 3));
        var first = Merge(copies, w0, w1);

        // /a keeps its array, /b is new in between, /c and /d keep theirs.
        var b = SeriesSnapshot.ForValue([new string("/b".AsSpan()), new string("GET".AsSpan())], 5);
        var second = Merge(copies, new MetricFamilySnapshot(Requests, [w0.SeriesArray[0], b, w0.SeriesArray[1]]), w1);
        Assert.Equal(["/a,GET=1", "/b,GET=5", "/c,GET=2", "/d,GET=3"], Lines(second));
        Assert.Equal(4, copies.CopiedLabelSets);
        Assert.Same(first.SeriesArray[0].LabelValuesArray, second.SeriesArray[0].LabelValuesArray);
        Assert.Same(first.SeriesArray[1].LabelValuesArray, second.SeriesArray[2].LabelValuesArray);
        Assert.Same(first.SeriesArray[2].LabelValuesArray, second.SeriesArray[3].LabelValuesArray);

        // The next merge finds all four by reference: nothing copied.
        var third = Merge(copies, new MetricFamilySnapshot(Requests, [w0.SeriesArray[0], b, w0.SeriesArray[1]]), w1);
        Assert.Equal(4, copies.CopiedLabelSets);
        Assert.Same(second.SeriesArray[1].LabelValuesArray, third.SeriesArray[1].LabelValuesArray);
    }

    [Fact]
    public void A_family_of_one_source_passes_through_as_that_sources_array()
    {
        var copies = new LabelCopies();
        var only = Family(("/a", "GET", 1), ("/b", "GET", 2));
        var other = Family(("/c", "GET", 3));
        var sources = new[] { new MergeSource("w0", new MetricsSnapshot([only])), new MergeSource("w1", new MetricsSnapshot([Rename(other, "other_total")])) };
        var merged = SnapshotMerger.Merge(sources, MetricsSnapshot.Empty, memo: null, copies).Snapshot;

        Assert.Same(only.SeriesArray, merged.Find("requests")!.SeriesArray);
        Assert.Equal(0, copies.CopiedLabelSets);
    }

    [Fact]
    public void Values_past_the_shared_table_are_still_copied_exactly()
    {
        var copies = new LabelCopies();
        var count = LabelCopies.MaxSharedValues + 10;
        (string, string, double)[] Half(int parity) => [.. Enumerable.Range(0, count).Where(i => i % 2 == parity).Select(i => ($"/p{i:D5}", "GET", (double)i))];
        var merged = Merge(copies, Family(Half(0)), Family(Half(1)));

        Assert.Equal(count, copies.CopiedLabelSets);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"/p{i:D5},GET={i}"), Lines(merged));

        // The method is one string throughout: it entered the table with the first series.
        Assert.Single(merged.SeriesArray.Select(s => s.LabelValuesArray[1]).Distinct(ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public void An_engine_that_copies_labels_copies_in_unfiltered_merges_only_and_gives_the_same_values()
    {
        var copying = new MergeEngine(copyLabels: true);
        var plain = new MergeEngine();
        var w0 = Family(("/a", "GET", 1), ("/c", "GET", 2));
        var w1 = Family(("/b", "POST", 3));
        MergeSource[] sources = [new("w0", new MetricsSnapshot([w0])), new("w1", new MetricsSnapshot([w1]))];

        var filtered = copying.Merge(sources, families: new FamilyFilter(["requests"]));
        Assert.Equal(0, copying.CopiedLabelSets);
        Assert.Same(w0.SeriesArray[0].LabelValuesArray, filtered.Snapshot.Find("requests")!.SeriesArray[0].LabelValuesArray);

        var merged = copying.Merge(sources);
        Assert.Equal(3, copying.CopiedLabelSets);
        Assert.True(merged.Snapshot.SameContent(plain.Merge(sources).Snapshot));
        Assert.Equal(0, plain.CopiedLabelSets);
    }

    private static MetricFamilySnapshot Merge(LabelCopies copies, params MetricFamilySnapshot[] families)
    {
        var sources = families.Select((f, i) => new MergeSource($"w{i}", new MetricsSnapshot([f])));
        return SnapshotMerger.Merge(sources, MetricsSnapshot.Empty, memo: null, copies).Snapshot.Find("requests")!;
    }

    // New strings for every series, as a worker makes its own.
    private static MetricFamilySnapshot Family(params (string Path, string Method, double Value)[] series) =>
        new(Requests, [.. series.OrderBy(s => s.Path, StringComparer.Ordinal).Select(s => SeriesSnapshot.ForValue([new string(s.Path.AsSpan()), new string(s.Method.AsSpan())], s.Value))]);

    private static MetricFamilySnapshot Rename(MetricFamilySnapshot family, string name) =>
        new(new MetricDefinition(MetricType.Counter, name, "Other.", ["path", "method"]), family.SeriesArray);

    // The same label arrays with other values, as a worker's next snapshot has them.
    private static MetricFamilySnapshot Family(MetricFamilySnapshot before, params double[] values) =>
        new(Requests, [.. before.SeriesArray.Select((s, i) => SeriesSnapshot.ForValue(s.LabelValuesArray, values[i]))]);

    private static string[] Lines(MetricFamilySnapshot family) =>
        [.. family.SeriesArray.Select(s => $"{string.Join(",", s.LabelValuesArray)}={s.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")];
}
