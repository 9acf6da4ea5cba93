using System.Text.RegularExpressions;
using Aggregator.Metrics.Merging;

namespace Aggregator.Actors;

/// <summary>
/// Which workers a collection asks: patterns over actor names, or over actor paths (without address) when a pattern
/// starts with <c>/</c>. <c>*</c> matches any run of characters (slashes included), <c>?</c> one character. No patterns
/// selects every worker.
/// </summary>
/// <remarks>
/// Retired workers fold into one total per parent path (see README, "Merging"). A selection sees such a total only when
/// it selects every child of that parent: it selects every worker, or one of its patterns is <c>*</c>, or a path
/// pattern made of a literal prefix and trailing <c>*</c>s whose prefix starts the parent's path plus <c>/</c>
/// (<c>/user/orders/*</c> covers the children of <c>/user/orders</c>; <c>/user/orders/o-*</c> does not).
/// </remarks>
public sealed class WorkerSelection : IEquatable<WorkerSelection>, IMergeSelection
{
    private readonly string[] _patterns;
    private readonly Regex[] _regexes;

    /// <summary>Creates a selection from patterns (empty ones are ignored).</summary>
    public WorkerSelection(IEnumerable<string>? patterns)
    {
        _patterns = [.. (patterns ?? []).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        _regexes = [.. _patterns.Select(Glob.ToRegex)];
    }

    /// <summary>The selection of every worker.</summary>
    public static WorkerSelection All { get; } = new([]);

    /// <summary>The patterns, sorted.</summary>
    public IReadOnlyList<string> Patterns => _patterns;

    /// <summary>True when every worker is selected.</summary>
    public bool IsAll => _patterns.Length == 0;

    /// <summary>Whether the worker with this path (without address, e.g. <c>/user/orders/o-1</c>) is selected.</summary>
    public bool Matches(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_patterns.Length == 0)
        {
            return true;
        }

        var name = path[(path.LastIndexOf('/') + 1)..];
        for (var i = 0; i < _patterns.Length; i++)
        {
            if (_regexes[i].IsMatch(_patterns[i][0] == '/' ? path : name))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    bool IMergeSelection.Matches(string source) => Matches(source);

    /// <summary>A node's workers answer every selection alike: a snapshot of their own registry.</summary>
    public bool AnswersAsUnfiltered => true;

    /// <summary>
    /// Whether every child of the parent path <paramref name="group"/> is selected (the empty group stands for any path),
    /// judged from the patterns' form; false when in doubt.
    /// </summary>
    public bool Covers(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (_patterns.Length == 0)
        {
            return true;
        }

        var children = group + "/";
        foreach (var pattern in _patterns)
        {
            var wildcard = pattern.AsSpan().IndexOfAny('*', '?');
            if (wildcard < 0 || pattern.AsSpan(wildcard).ContainsAnyExcept('*'))
            {
                continue;
            }

            // A name pattern of stars alone matches every name; a path pattern covers when its literal prefix does.
            if (wildcard == 0 || (pattern[0] == '/' && children.StartsWith(pattern[..wildcard], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public bool Equals(WorkerSelection? other) => other is not null && _patterns.AsSpan().SequenceEqual(other._patterns);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as WorkerSelection);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var pattern in _patterns)
        {
            hash.Add(pattern, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => IsAll ? "all workers" : string.Join(", ", _patterns);
}
