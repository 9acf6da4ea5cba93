using System.Text.RegularExpressions;
using Akka.Actor;
using Aggregator.Actors;

namespace Aggregator.Cluster;

/// <summary>
/// Which nodes a cluster-wide collection asks: nodes having any of <see cref="Roles"/>, and whose address matches any
/// of <see cref="Addresses"/> (<c>*</c> and <c>?</c> wildcards). An empty list does not restrict; both empty select
/// every node.
/// </summary>
public sealed class NodeSelection : IEquatable<NodeSelection>
{
    private readonly Regex[] _addresses;

    /// <summary>Creates a selection.</summary>
    public NodeSelection(IEnumerable<string>? roles = null, IEnumerable<string>? addresses = null)
    {
        Roles = [.. Clean(roles)];
        Addresses = [.. Clean(addresses)];
        _addresses = [.. Addresses.Select(Glob.ToRegex)];
    }

    /// <summary>Every node.</summary>
    public static NodeSelection All { get; } = new();

    /// <summary>The roles, sorted: a node with any of them is selected.</summary>
    public IReadOnlyList<string> Roles { get; }

    /// <summary>The address patterns, sorted.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>Whether a node with this address and these roles is selected.</summary>
    public bool Matches(Address address, IEnumerable<string> roles)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(roles);
        var text = address.ToString();
        return (Roles.Count == 0 || roles.Any(r => Roles.Contains(r, StringComparer.Ordinal)))
            && (_addresses.Length == 0 || _addresses.Any(a => a.IsMatch(text)));
    }

    /// <summary>Whether a node with this address is selected, its roles unknown (a node that has left): by address only.</summary>
    public bool MatchesAddress(string address) => _addresses.Length == 0 || _addresses.Any(a => a.IsMatch(address));

    /// <inheritdoc />
    public bool Equals(NodeSelection? other) =>
        other is not null && Roles.SequenceEqual(other.Roles, StringComparer.Ordinal) && Addresses.SequenceEqual(other.Addresses, StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NodeSelection);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        // The count keeps a role apart from the same text as an address pattern.
        var hash = default(HashCode);
        hash.Add(Roles.Count);
        foreach (var value in Roles.Concat(Addresses))
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => "roles=" + string.Join(",", Roles) + ";nodes=" + string.Join(",", Addresses);

    private static IEnumerable<string> Clean(IEnumerable<string>? values) =>
        (values ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
}
