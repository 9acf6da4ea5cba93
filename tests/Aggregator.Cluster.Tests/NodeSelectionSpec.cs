namespace Aggregator.Cluster.Tests;

public sealed class NodeSelectionSpec
{
    public static TheoryData<string[], string[], string[], string[]> DifferentSelections => new()
    {
        { ["backend,frontend"], [], ["backend", "frontend"], [] },
        { [], ["akka.tcp://a@h:1,akka.tcp://a@h:2"], [], ["akka.tcp://a@h:1", "akka.tcp://a@h:2"] },
        { ["a;nodes=b"], [], ["a"], ["b;nodes="] },
        { ["backend"], [], [], ["backend"] },
        { ["backend"], [], ["backend", "frontend"], [] },
    };

    [Theory]
    [MemberData(nameof(DifferentSelections))]
    public void Selections_of_different_roles_or_addresses_are_never_equal(string[] roles, string[] addresses, string[] otherRoles, string[] otherAddresses)
    {
        var a = new NodeSelection(roles, addresses);
        var b = new NodeSelection(otherRoles, otherAddresses);

        Assert.False(a.Equals(b));
        Assert.False(b.Equals(a));
        Assert.Equal(2, new HashSet<NodeSelection> { a, b }.Count);
    }

    [Fact]
    public void Order_duplicates_blanks_and_surrounding_spaces_make_no_difference()
    {
        var a = new NodeSelection(["frontend", " backend", "backend", ""], ["akka.tcp://a@h:2", "akka.tcp://a@h:1 "]);
        var b = new NodeSelection(["backend", "frontend"], ["akka.tcp://a@h:1", "akka.tcp://a@h:2"]);

        Assert.True(a.Equals(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(NodeSelection.All, new NodeSelection([" "], []));
        Assert.Equal("roles=backend,frontend;nodes=akka.tcp://a@h:1,akka.tcp://a@h:2", a.ToString());
    }
}
