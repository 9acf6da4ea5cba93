using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Aggregator.Cluster.Serialization;
using Aggregator.Metrics;
using Aggregator.Metrics.Merging;

namespace Aggregator.Cluster.Collection;

/// <summary>
/// The departed members' final totals as replicated with Akka.DistributedData, in one <c>LWWDictionary</c>:
/// <list type="bullet">
/// <item><c>{incarnation}|{writer}</c>: what member <c>writer</c> last knew of a departed incarnation's counters,
/// histograms and summaries. Each entry has one writer, whose knowledge only grows, so last-writer-wins never steps
/// back; readers take the series-by-series maximum over the writers (<see cref="MonotonicMax"/>), so every member
/// arrives at the same totals whatever order the entries reach it in.</item>
/// <item><c>fold|{roles}</c>: departed members older than the retention, folded into one total per role set by the
/// oldest member, with the ids it folded lately (so that a replica still holding their entries drops them).</item>
/// </list>
/// </summary>
internal static class DepartedLedger
{
    public const string FoldPrefix = "fold|";

    public static readonly LWWDictionaryKey<string, byte[]> Key = new("aggregator-departed");

    private const char Separator = '|';
    private const string MergeLabel = "node";

    /// <summary>A departed incarnation: the same address comes back with a new uid after a restart.</summary>
    public static string Incarnation(UniqueAddress member) => member.Address + "#" + member.Uid.ToString(CultureInfo.InvariantCulture);

    public static string EntryKey(string incarnation, string writer) => incarnation + Separator + writer;

    public static string FoldKey(IEnumerable<string> roles) =>
        FoldPrefix + Convert.ToBase64String(SnapshotCodec.Encode([Sorted(roles)], null, 0));

    public static byte[] EncodeDeparted(Address address, IEnumerable<string> roles, long removedAtMs, MetricsSnapshot totals) =>
        Versioned(SnapshotCodec.Encode([[address.ToString()], Sorted(roles)], totals, removedAtMs), totals);

    /// <summary>Reads the replicated state: each departed incarnation at the maximum over its writers, and the folds.</summary>
    public static Ledger Read(LWWDictionary<string, byte[]> data)
    {
        var folds = new Dictionary<string, Fold>(StringComparer.Ordinal);
        var members = new Dictionary<string, Departed>(StringComparer.Ordinal);
        foreach (var (key, value) in data)
        {
            if (key.StartsWith(FoldPrefix, StringComparison.Ordinal))
            {
                var (lists, snapshot, _) = Decode(value, 3);
                folds[key] = new Fold([.. lists[0]], [.. lists[1].Zip(lists[2], (id, at) => (id, long.Parse(at, CultureInfo.InvariantCulture)))], snapshot ?? MetricsSnapshot.Empty);
            }
            else
            {
                var (lists, snapshot, removedAt) = Decode(value, 2);
                var incarnation = key[..key.LastIndexOf(Separator)];
                var totals = snapshot ?? MetricsSnapshot.Empty;
                members[incarnation] = members.TryGetValue(incarnation, out var known)
                    ? known with { Totals = MonotonicMax.Of(known.Totals, totals), RemovedAtMs = Math.Min(known.RemovedAtMs, removedAt) }
                    : new Departed(Address.Parse(lists[0][0]), [.. lists[1]], removedAt, totals);
            }
        }

        foreach (var fold in folds.Values)
        {
            foreach (var (id, _) in fold.Folded)
            {
                members.Remove(id);
            }
        }

        return new Ledger(members, folds);
    }

    /// <summary>
    /// Folds the members that departed before <paramref name="dueBeforeMs"/> into their role set's total and removes
    /// their entries, in one update; fold ids older than <paramref name="forgetBeforeMs"/> are forgotten.
    /// </summary>
    public static LWWDictionary<string, byte[]> FoldDue(LWWDictionary<string, byte[]> data, Akka.Cluster.Cluster cluster, long nowMs, long dueBeforeMs, long forgetBeforeMs)
    {
        var ledger = Read(data);
        var due = ledger.Members.Where(m => m.Value.RemovedAtMs < dueBeforeMs).ToArray();
        if (due.Length == 0)
        {
            return data;
        }

        foreach (var byRoles in due.GroupBy(m => FoldKey(m.Value.Roles), StringComparer.Ordinal))
        {
            var fold = ledger.Folds.GetValueOrDefault(byRoles.Key) ?? new Fold([.. Sorted(byRoles.First().Value.Roles)], [], MetricsSnapshot.Empty);
            var sources = byRoles.Select(m => new MergeSource(m.Key, m.Value.Totals, MergeLabel)).Append(new MergeSource(FoldPrefix, fold.Totals, MergeLabel));
            var totals = SnapshotMerger.Merge(sources).Snapshot;
            var folded = fold.Folded.Where(f => f.AtMs >= forgetBeforeMs).Concat(byRoles.Select(m => (m.Key, nowMs))).ToArray();
            data = data.SetItem(cluster, byRoles.Key, Versioned(SnapshotCodec.Encode(
                [fold.Roles, [.. folded.Select(f => f.Item1)], [.. folded.Select(f => f.Item2.ToString(CultureInfo.InvariantCulture))]],
                totals,
                0), totals));
        }

        var dueIds = due.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in data.Keys.ToArray())
        {
            if (!key.StartsWith(FoldPrefix, StringComparison.Ordinal) && dueIds.Contains(key[..key.LastIndexOf(Separator)]))
            {
                data = data.Remove(cluster, key);
            }
        }

        return data;
    }

    // Entries outlive the node that wrote them, so each carries the snapshot format version it was written in.
    // The oldest version that reads it, so that nodes one version older read entries without native histograms.
    private static byte[] Versioned(byte[] body, MetricsSnapshot totals)
    {
        var value = new byte[body.Length + 1];
        value[0] = (byte)SnapshotCodec.VersionFor(totals);
        body.CopyTo(value, 1);
        return value;
    }

    private static (IReadOnlyList<string>[] StringLists, MetricsSnapshot? Snapshot, long Extra) Decode(byte[] value, int stringListCount) =>
        SnapshotCodec.Decode(value.AsSpan(1), stringListCount, value[0]);

    private static string[] Sorted(IEnumerable<string> roles) => [.. roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>A departed incarnation: its address, roles, when it was removed (earliest report), and its totals.</summary>
    public sealed record Departed(Address Address, IReadOnlyList<string> Roles, long RemovedAtMs, MetricsSnapshot Totals);

    /// <summary>The folded totals of a role set, with the incarnations folded lately and when.</summary>
    public sealed record Fold(IReadOnlyList<string> Roles, IReadOnlyList<(string Id, long AtMs)> Folded, MetricsSnapshot Totals);

    /// <summary>The replicated state as read.</summary>
    public sealed record Ledger(IReadOnlyDictionary<string, Departed> Members, IReadOnlyDictionary<string, Fold> Folds)
    {
        /// <summary>Nothing departed yet.</summary>
        public static Ledger Empty { get; } = new(new Dictionary<string, Departed>(), new Dictionary<string, Fold>());
    }
}
