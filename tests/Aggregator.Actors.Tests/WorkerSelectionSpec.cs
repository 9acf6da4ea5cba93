namespace Aggregator.Actors.Tests;

public sealed class WorkerSelectionSpec
{
    public static TheoryData<string[], string[]> DifferentSelections => new()
    {
        { ["demo-1\ndemo-2"], ["demo-1", "demo-2"] },
        { ["demo-1,demo-2"], ["demo-1", "demo-2"] },
        { ["demo-1"], ["demo-1", "demo-2"] },
        { ["/user/demo-1"], ["demo-1"] },
        { ["*"], [] },
    };

    [Theory]
    [MemberData(nameof(DifferentSelections))]
    public void Selections_of_different_patterns_are_never_equal(string[] left, string[] right)
    {
        var a = new WorkerSelection(left);
        var b = new WorkerSelection(right);

        Assert.False(a.Equals(b));
        Assert.False(b.Equals(a));
        Assert.Equal(2, new HashSet<WorkerSelection> { a, b }.Count);
    }

    [Fact]
    public void A_pattern_that_would_backtrack_for_ever_is_answered_without_a_match_timeout()
    {
        // From a scrape URL: with a backtracking engine this pattern against a long name ran into the 1 s match
        // timeout and threw RegexMatchTimeoutException inside the collection.
        var selection = new WorkerSelection([string.Concat(Enumerable.Repeat("*a", 12)) + "*b"]);
        var name = "/user/" + new string('a', 200);

        Assert.False(selection.Matches(name));
        Assert.True(selection.Matches(name + "b"));
    }

    [Fact]
    public void Order_duplicates_blanks_and_surrounding_spaces_make_no_difference()
    {
        var a = new WorkerSelection(["demo-2", " demo-1", "demo-1", " "]);
        var b = new WorkerSelection(["demo-1", "demo-2"]);

        Assert.True(a.Equals(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(["demo-1", "demo-2"], a.Patterns);
        Assert.Equal(WorkerSelection.All, new WorkerSelection(["", "  "]));
    }
}
