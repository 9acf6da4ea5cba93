using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Metrics.Merging;

namespace Aggregator.Cluster.Collection;

/// <summary>
/// A cluster collection's selection as the merge engine sees it: nodes by role or address, workers by pattern.
/// Sources are live members (by address); groups are departed members (by incarnation) and folds of departed members
/// (by role set). Equal when the node and worker selections are equal.
/// </summary>
internal sealed class ClusterSelection(NodeSelection nodes, WorkerSelection workers, Func<string, MemberInfo?> lookup)
    : IMergeSelection, IEquatable<ClusterSelection>
{
    public NodeSelection Nodes { get; } = nodes;

    public WorkerSelection Workers { get; } = workers;

    /// <summary>Nodes answer a selection of every worker with their unfiltered totals, the ones departed members leave.</summary>
    public bool AnswersAsUnfiltered => Workers.IsAll;

    public bool Matches(string source) => lookup(source) is { Address: { } address } member && Nodes.Matches(address, member.Roles);

    /// <summary>
    /// A departed member's totals are unfiltered, so only a selection of every worker can see them; a fold of several
    /// members (address unknown) only when the selection names no addresses and the fold's roles meet its roles.
    /// </summary>
    public bool Covers(string group)
    {
        if (!Workers.IsAll || lookup(group) is not { } member)
        {
            return false;
        }

        return member.Address is { } address
            ? Nodes.Matches(address, member.Roles)
            : Nodes.Addresses.Count == 0 && (Nodes.Roles.Count == 0 || member.Roles.Any(r => Nodes.Roles.Contains(r, StringComparer.Ordinal)));
    }

    public bool Equals(ClusterSelection? other) => other is not null && Nodes.Equals(other.Nodes) && Workers.Equals(other.Workers);

    public override bool Equals(object? obj) => Equals(obj as ClusterSelection);

    public override int GetHashCode() => HashCode.Combine(Nodes, Workers);
}

/// <summary>What a selection needs to know of a source or group: its address (none for a fold) and roles.</summary>
internal sealed record MemberInfo(Address? Address, IReadOnlyCollection<string> Roles);
