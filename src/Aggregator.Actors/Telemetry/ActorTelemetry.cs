using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Akka.Actor;
using Aggregator.Metrics;

namespace Aggregator.Actors.Telemetry;

/// <summary>
/// Actor telemetry of one node, present as <see cref="AggregatorExtension.Telemetry"/> when
/// <c>aggregator.telemetry.enabled</c> is on. It hands metered workers their per-message recording, tracks the node's
/// live actors (from Akka's actor telemetry events when <c>akka.actor.telemetry.enabled</c> is on, and from metered
/// workers in any case) to report <c>akka_actor_live</c> and <c>akka_mailbox_depth</c> when collected, and counts dead
/// letters and unhandled messages from the event stream. <see cref="AddRegion"/> is its extension point for sharding
/// regions.
/// </summary>
public sealed class ActorTelemetry
{
    private static readonly TimeSpan RegionQueryWait = TimeSpan.FromMilliseconds(500);

    // Distinct actor_type values a node admits; later ones are "other". Grouping by parent path makes one value per
    // parent, and the children of per-entity actors have as many parents as there are entities: without a bound the
    // series would grow with them (the same bound as aggregator.max-retired-groups' default).
    private const int MaxActorTypes = 1000;

    private readonly ConcurrentDictionary<string, MessageTypeTable> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<IActorRef, Tracked> _tracked = new();
    private readonly ConcurrentDictionary<string, Region> _regions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _actorTypes = new(StringComparer.Ordinal);
    private int _admittedActorTypes;
    private readonly Regex[] _pathPatterns;
    private readonly string[] _pathPatternTexts;
    private readonly Regex[] _classPatterns;
    private readonly IReadOnlySet<string> _allowed;
    private readonly Counter _deadLetters;
    private readonly Counter _nodeUnhandled;
    private readonly Counter _restarts;

    internal ActorTelemetry(AggregatorExtension extension, TelemetrySettings settings)
    {
        Settings = settings;
        _pathPatternTexts = [.. settings.Actors.Where(p => p[0] == '/')];
        _pathPatterns = [.. _pathPatternTexts.Select(Glob.ToRegex)];
        _classPatterns = [.. settings.Actors.Where(p => p[0] != '/').Select(Glob.ToRegex)];
        _allowed = settings.MessageTypeAllowlist.ToHashSet(StringComparer.Ordinal);
        DeadLetterTypes = NewTable();
        UnhandledTypes = NewTable();
        _deadLetters = extension.Shared.Counter(TelemetryFamilies.DeadLetters, TelemetryFamilies.DeadLettersOptions);
        _nodeUnhandled = extension.Shared.Counter(TelemetryFamilies.NodeUnhandled, TelemetryFamilies.NodeUnhandledOptions);

        // Restarts of actors that are not metered workers, from Akka's events (metered workers count their own).
        _restarts = extension.Shared.Counter(TelemetryFamilies.Restarts, TelemetryFamilies.RestartsOptions);
        extension.Shared.AddCollector("actor-telemetry", Collect);
        EmitsActorEvents = extension.System.Settings.EmitActorTelemetry;
    }

    /// <summary>The settings it runs with.</summary>
    public TelemetrySettings Settings { get; }

    /// <summary>
    /// Whether Akka publishes actor started, stopped and restarted events (<c>akka.actor.telemetry.enabled</c>): then
    /// <c>akka_actor_live</c> and <c>akka_mailbox_depth</c> cover every selected actor; otherwise only metered workers.
    /// </summary>
    public bool EmitsActorEvents { get; }

    internal MessageTypeTable DeadLetterTypes { get; }

    internal MessageTypeTable UnhandledTypes { get; }

    /// <summary>
    /// Reports a sharding region's shards and entities hosted on this node (<c>akka_sharding_region_shards{region}</c>,
    /// <c>akka_sharding_region_entities{region}</c>). <paramref name="stats"/> is asked at each collection and awaited
    /// up to 500 ms; when it is slower, the previous answer is reported. With Akka.Cluster.Sharding:
    /// <c>AddRegion("orders", async ct =&gt; { var s = await region.Ask&lt;ShardRegionStats&gt;(GetShardRegionStats.Instance, ct); return (s.Stats.Count, s.Stats.Values.Sum()); })</c>.
    /// </summary>
    /// <param name="region">The region's name, the label value.</param>
    /// <param name="stats">Asks the region for its shards and entities.</param>
    public void AddRegion(string region, Func<CancellationToken, Task<(int Shards, int Entities)>> stats)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentNullException.ThrowIfNull(stats);
        _regions[region] = new Region(stats);
    }

    /// <summary>The <c>actor_type</c> of an actor, or null when telemetry does not cover it.</summary>
    internal string? ActorTypeOf(string path, Type type)
    {
        if (Settings.Actors.Count == 0)
        {
            // Akka's and Aggregator's own actors are left out unless a pattern names them (wherever they live: the
            // DistributedData replicator is a /user actor).
            return IsInfrastructure(type) ? null : Group(path, type, null);
        }

        for (var i = 0; i < _pathPatterns.Length; i++)
        {
            if (_pathPatterns[i].IsMatch(path))
            {
                return Group(path, type, _pathPatternTexts[i]);
            }
        }

        foreach (var pattern in _classPatterns)
        {
            if (pattern.IsMatch(type.Name))
            {
                return Group(path, type, null);
            }
        }

        return null;
    }

    /// <summary>The telemetry of a metered worker being created, or null when telemetry does not cover it.</summary>
    internal WorkerTelemetry? ForWorker(IActorContext context, WorkerRegistry registry)
    {
        var actorType = ActorTypeOf(context.Self.Path.ToStringWithoutAddress(), context.Props.Type);
        if (actorType is null)
        {
            return null;
        }

        _tracked[context.Self] = new Tracked(actorType, Metered: true);
        return new WorkerTelemetry(registry, actorType, Table(actorType), Settings);
    }

    internal void Started(IActorRef actor, Type type)
    {
        if (_tracked.ContainsKey(actor))
        {
            return;
        }

        var actorType = ActorTypeOf(actor.Path.ToStringWithoutAddress(), type);
        if (actorType is not null)
        {
            _tracked.TryAdd(actor, new Tracked(actorType, Metered: false));
        }
    }

    internal void Stopped(IActorRef actor) => _tracked.TryRemove(actor, out _);

    internal void Restarted(IActorRef actor)
    {
        if (_tracked.TryGetValue(actor, out var tracked) && !tracked.Metered)
        {
            _restarts.WithLabels(tracked.ActorType).Inc();
        }
    }

    internal void DeadLetter(object message) =>
        _deadLetters.WithLabels(DeadLetterTypes.Label(message.GetType(), out _)).Inc();

    internal void Unhandled(object message) =>
        _nodeUnhandled.WithLabels(UnhandledTypes.Label(message.GetType(), out _)).Inc();

    private static bool IsInfrastructure(Type type) =>
        type.Assembly.GetName().Name is { } assembly
        && (assembly is "Akka" or "Aggregator.Actors" or "Aggregator.Cluster" or "Aggregator.Hosting" || assembly.StartsWith("Akka.", StringComparison.Ordinal));

    private string Group(string path, Type type, string? pattern)
    {
        var actorType = Settings.GroupBy switch
        {
            TelemetryGroupBy.Type => type.Name,
            _ => pattern ?? path[..Math.Max(0, path.LastIndexOf('/'))] + "/*",
        };

        if (_actorTypes.ContainsKey(actorType))
        {
            return actorType;
        }

        // Racing admissions may pass the bound by a few; what matters is that it does not grow with the actors.
        // (ConcurrentDictionary.Count would take every lock at each actor start.)
        if (Volatile.Read(ref _admittedActorTypes) < MaxActorTypes && _actorTypes.TryAdd(actorType, true))
        {
            Interlocked.Increment(ref _admittedActorTypes);
            return actorType;
        }

        return _actorTypes.ContainsKey(actorType) ? actorType : TelemetryFamilies.Other;
    }

    private MessageTypeTable Table(string actorType) => _tables.GetOrAdd(actorType, _ => NewTable());

    private MessageTypeTable NewTable() => new(Settings.MaxMessageTypes, Settings.MessageTypes, _allowed);

    private IEnumerable<MetricFamilySnapshot> Collect()
    {
        // Sampled here, once per collection: counting at every enqueue would cost each message an interlocked operation.
        var groups = new SortedDictionary<string, (int Live, long Depth)>(StringComparer.Ordinal);
        foreach (var (actor, tracked) in _tracked)
        {
            if (actor is not ActorRefWithCell withCell || withCell.IsTerminated)
            {
                // Stopped without an event (events off, or the actor was never a metered worker that retires).
                _tracked.TryRemove(actor, out _);
                continue;
            }

            groups.TryGetValue(tracked.ActorType, out var group);
            groups[tracked.ActorType] = (group.Live + 1, group.Depth + withCell.Underlying.NumberOfMessages);
        }

        yield return new MetricFamilySnapshot(
            TelemetryFamilies.LiveDefinition,
            [.. groups.Select(g => SeriesSnapshot.ForValue([g.Key], g.Value.Live))]);
        yield return new MetricFamilySnapshot(
            TelemetryFamilies.MailboxDepthDefinition,
            [.. groups.Select(g => SeriesSnapshot.ForValue([g.Key], g.Value.Depth))]);
        yield return new MetricFamilySnapshot(
            TelemetryFamilies.MessageTypesDefinition,
            [.. _tables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => SeriesSnapshot.ForValue([t.Key], t.Value.Count))]);

        if (!_regions.IsEmpty)
        {
            // Every region asked first, then one wait for all of them: a slow region delays a collection once, not
            // once per region.
            var asked = _regions.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();
            var pending = Array.ConvertAll(asked, r => r.Value.Ask());
            try
            {
                Task.WaitAll(pending, RegionQueryWait);
            }
            catch (AggregateException)
            {
                // A failed query: its region reports its previous answer (Take).
            }

            var regions = asked.Select(r => (r.Key, Stats: r.Value.Take())).Where(r => r.Stats is not null).ToArray();
            yield return new MetricFamilySnapshot(
                TelemetryFamilies.RegionShardsDefinition,
                [.. regions.Select(r => SeriesSnapshot.ForValue([r.Key], r.Stats!.Value.Shards))]);
            yield return new MetricFamilySnapshot(
                TelemetryFamilies.RegionEntitiesDefinition,
                [.. regions.Select(r => SeriesSnapshot.ForValue([r.Key], r.Stats!.Value.Entities))]);
        }
    }

    private sealed record Tracked(string ActorType, bool Metered);

    /// <summary>A region's stats query and its last answer.</summary>
    private sealed class Region(Func<CancellationToken, Task<(int Shards, int Entities)>> query)
    {
        private readonly Lock _sync = new();
        private Task<(int Shards, int Entities)>? _pending;
        private (int Shards, int Entities)? _last;

        /// <summary>The query in flight, started when none is: a slow region is asked again only once it has answered.</summary>
        public Task Ask()
        {
            lock (_sync)
            {
                return _pending ??= Start();
            }
        }

        /// <summary>The newest answer: the query's if it has finished (successfully), the previous one otherwise.</summary>
        public (int Shards, int Entities)? Take()
        {
            lock (_sync)
            {
                if (_pending is { IsCompleted: true } done)
                {
                    if (done.IsCompletedSuccessfully)
                    {
                        _last = done.Result;
                    }

                    _pending = null;
                }

                return _last;
            }
        }

        // A query that never answers is given up after 10 s, so that the region is asked again.
        private Task<(int Shards, int Entities)> Start() => Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await query(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        });
    }
}
