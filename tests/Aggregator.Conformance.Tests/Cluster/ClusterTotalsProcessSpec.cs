using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Aggregator.Conformance.Tests.Tools;
using Xunit.Abstractions;

namespace Aggregator.Conformance.Tests.Cluster;

/// <summary>
/// Every Up member answers with the same cluster-wide totals, through a crash, a join and a rolling restart. Three
/// <c>Aggregator.Node</c> processes (4 demo workers each) form a cluster; a real Prometheus scrapes the cluster endpoint
/// of node1 and of node2 every second, as two targets of one job. node3 is killed with SIGKILL and removed by the
/// split-brain resolver; node4 joins; then node1, node2 and node4 are restarted one at a time (SIGTERM, a graceful
/// leave, then the same ports again).
/// Result 1: Prometheus recorded no reset of any demo counter, histogram or summary sample in either target.
/// Result 2: with the demo workers paused, both nodes answer the same totals, and demo_started_total counts every demo
/// worker that ever started: 7 node incarnations × 4 = 28.
/// </summary>
public sealed partial class ClusterTotalsProcessSpec : IDisposable
{
    private const string Job = "aggregator";
    private const int DemoWorkers = 4;

    // node1, node2, node3, node4, then node1, node2 and node4 again.
    private const int Incarnations = 7;

    // The demo workers' monotonic samples and how many series each has per target: demo_ticks_total by parity,
    // demo_tick_duration_seconds with 6 bounds and +Inf.
    private static readonly (string Name, int Series)[] Monotonic =
    [
        ("demo_started_total", 1),
        ("demo_ticks_total", 2),
        ("demo_tick_duration_seconds_bucket", 7),
        ("demo_tick_duration_seconds_count", 1),
        ("demo_tick_duration_seconds_sum", 1),
        ("demo_payload_bytes_count", 1),
        ("demo_payload_bytes_sum", 1),
    ];

    // The nodes' cluster collection timeout (their HOCON below); Prometheus's own scrapes cap it at 0.9 s.
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(2);

    // Starting a process on two shared cores, joining, and the resolver's removal of a crashed member (about 4.5 s to
    // unreachable, then stable-after) all fit well within this.
    private static readonly TimeSpan MembershipTimeout = TimeSpan.FromSeconds(40);

    // How long the paused totals may take to agree: the replication of departures has had the whole run; this is for
    // the last restart's and the pause's own effects to reach both nodes.
    private static readonly TimeSpan AgreementTimeout = TimeSpan.FromSeconds(15);

    private readonly ITestOutputHelper _output;
    private readonly string _temp = Directory.CreateTempSubdirectory("aggregator-totals-").FullName;
    private readonly List<ChildProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double _startUnix = UnixNow();
    private readonly List<(string Name, double Unix, TimeSpan At)> _phases = [];
    private PrometheusServer? _prometheus;

    public ClusterTotalsProcessSpec(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Two_scraped_nodes_record_no_reset_and_agree_once_paused_through_a_kill_a_join_and_a_rolling_restart()
    {
        ExternalTool.Require(PrometheusServer.Binary, "prometheus");
        Node[] nodes = [.. Enumerable.Range(1, 4).Select(i => new Node($"node{i}", ChildProcess.FreePort(), ChildProcess.FreePort()))];
        var hocon = Path.Combine(_temp, "node.hocon");
        var pauseFile = Path.Combine(_temp, "demo-paused");

        // Every address is a seed, so that any node, the first seed included, can rejoin while the others run.
        // stable-after 2 s (the node's default is 7 s): the killed node is removed soon after it is unreachable.
        await File.WriteAllTextAsync(hocon, $"""
            aggregator.node.seed-nodes = [{string.Join(", ", nodes.Select(n => $"\"{n.Address}\""))}]
            akka.cluster.gossip-interval = 200ms
            akka.cluster.leader-actions-interval = 200ms
            akka.cluster.split-brain-resolver.stable-after = 2s
            aggregator.cluster.collection-timeout = {(int)ClusterTimeout.TotalMilliseconds}ms
            """);
        string[] roles = ["frontend", "backend", "backend", "backend"];
        void Start(Node node) => node.Process = Track(ChildProcess.StartNode(node.Name,
        [
            $"--Node:HoconFile={hocon}",
            $"--Node:Port={node.RemotingPort}",
            $"--Node:HttpUrl=http://127.0.0.1:{node.HttpPort}",
            $"--Node:Roles={roles[int.Parse(node.Name[^1..], CultureInfo.InvariantCulture) - 1]}",
            $"--Node:DemoWorkers={DemoWorkers}",
            $"--Node:DemoPauseFile={pauseFile}",
        ]));

        Phase("Prometheus starts, scraping the cluster endpoints of node1 and node2");
        _prometheus = await PrometheusServer.StartAsync($"""
              - job_name: {Job}
                static_configs:
                  - targets: ["{nodes[0].Target}", "{nodes[1].Target}"]
            """);
        var prometheusStart = UnixNow();

        Phase("node1, node2 and node3 start");
        foreach (var node in nodes[..3])
        {
            Start(node);
        }

        await WaitForMembersAsync(nodes[..3]);
        await WaitUntilAsync(
            async () =>
            {
                var started = await _prometheus.QueryAsync($"demo_started_total{{job=\"{Job}\"}}");
                return started.Count == 2 && started.All(s => s.Value == 3 * DemoWorkers);
            },
            MembershipTimeout,
            $"Prometheus has demo_started_total {3 * DemoWorkers} from both targets",
            nodes[..3]);

        Phase("node3 killed (SIGKILL)");
        nodes[2].Process!.Kill();
        Assert.True(nodes[2].Process!.HasExited, "node3 still runs after SIGKILL");
        await WaitForMembersAsync(nodes[..2]);

        Phase("node4 starts");
        Start(nodes[3]);
        Node[] live = [nodes[0], nodes[1], nodes[3]];
        await WaitForMembersAsync(live);

        foreach (var node in live)
        {
            Phase($"{node.Name} stopped (SIGTERM)");
            var exited = node.Process!.Terminate(TimeSpan.FromSeconds(20));
            Assert.True(exited, $"{node.Name} did not exit within 20 s of SIGTERM.\n{node.Process}");
            _output.WriteLine($"    {node.Name} exited with code {node.Process.ExitCode}");
            await WaitForMembersAsync([.. live.Where(n => n != node)]);

            Phase($"{node.Name} starts again");
            Start(node);
            await WaitForMembersAsync(live);
        }

        Phase("Prometheus scrapes both targets after the last restart");
        var lastRestart = UnixNow();
        await WaitUntilAsync(
            async () =>
            {
                var scraped = await _prometheus.QueryAsync($"timestamp(up{{job=\"{Job}\"}} == 1)");
                return scraped.Count == 2 && scraped.All(s => s.Value > lastRestart + 2);
            },
            MembershipTimeout,
            "Prometheus scraped both targets successfully 2 s after the last restart",
            live);

        Phase("Result 1: resets() over the run");
        var range = TimeSpan.FromSeconds(UnixNow() - prometheusStart + 5);
        var failures = new List<string>();
        var resets = await ResetsAsync(nodes, range);
        if (resets.Count > 0)
        {
            failures.Add($"Result 1: Prometheus recorded resets in {resets.Count} series of the demo workers' counters, histograms and summaries:\n  {string.Join("\n  ", resets)}");
        }

        Phase("Result 2: demo workers paused; both nodes' totals compared");
        await File.WriteAllTextAsync(pauseFile, string.Empty);

        // A tick already being handled when the file appeared still counts; ticks are 1 s apart.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var disagreement = await AgreementAsync(nodes[0], nodes[1]);
        if (disagreement is not null)
        {
            failures.Add($"Result 2: {disagreement}");
        }

        Phase("done");
        foreach (var (phase, next) in _phases.Zip(_phases.Skip(1)))
        {
            _output.WriteLine($"{(next.At - phase.At).TotalSeconds,6:F1} s  {phase.Name}");
        }

        _output.WriteLine($"whole spec {_clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    public void Dispose()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }

        _prometheus?.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp directory is cleaned by the system.
        }
    }

    private static double UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    [GeneratedRegex("""^aggregator_source_up\{level="node",source="([^"]*)"\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex NodeUpLine();

    [GeneratedRegex("""^akka_cluster_members\{[^}]*status="(\w+)"[^}]*\} (\S+)""", RegexOptions.Multiline)]
    private static partial Regex MembersLine();

    [GeneratedRegex("""^akka_cluster_unreachable_members(?:\{[^}]*\})? (\S+)""", RegexOptions.Multiline)]
    private static partial Regex UnreachableLine();

    // A sample line: the series (name and labels, label values may hold spaces and braces in quotes) and its value.
    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?) (\S+)""", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    private static double Number(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    /// <summary>The demo workers' monotonic samples of a text exposition, by series.</summary>
    private static Dictionary<string, double> MonotonicSamples(string body)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match match in SampleLine().Matches(body))
        {
            var series = match.Groups[1].Value;
            var name = series.Split('{')[0];
            if (Monotonic.Any(m => m.Name == name))
            {
                samples[series] = Number(match.Groups[2].Value);
            }
        }

        return samples;
    }

    private static string Describe(IReadOnlyDictionary<string, string> labels)
    {
        var rest = labels.Where(l => l.Key is not ("__name__" or "job" or "instance")).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"");
        var name = labels.TryGetValue("__name__", out var n) ? n : string.Empty;
        return rest.Any() ? $"{name}{{{string.Join(",", rest)}}}" : name;
    }

    private static string NodeOf(string instance, Node[] nodes) =>
        nodes.FirstOrDefault(n => n.Target == instance) is { } node ? $"{node.Name} ({instance})" : instance;

    /// <summary>
    /// Every demo monotonic series of both targets whose resets() over <paramref name="range"/> is not 0, each with
    /// the decreases Prometheus stored (from, to, by how much, when, in which phase); also any series missing from a
    /// target, so that a run where Prometheus saw nothing cannot pass.
    /// </summary>
    private async Task<List<string>> ResetsAsync(Node[] nodes, TimeSpan range)
    {
        var problems = new List<string>();
        var samples = await _prometheus!.RangeAsync($"{{job=\"{Job}\",__name__=~\"{string.Join('|', Monotonic.Select(m => m.Name))}\"}}", range);
        foreach (var (name, series) in Monotonic)
        {
            var resets = await _prometheus.QueryAsync(string.Create(CultureInfo.InvariantCulture, $"resets({name}{{job=\"{Job}\"}}[{(long)Math.Ceiling(range.TotalSeconds)}s])"));
            foreach (var target in nodes[..2])
            {
                var held = resets.Count(r => r.Labels["instance"] == target.Target);
                if (held != series)
                {
                    problems.Add($"{target.Name} ({target.Target}) {name}: Prometheus holds {held} series, expected {series}");
                }
            }

            foreach (var (labels, value) in resets.Where(r => r.Value != 0).OrderBy(r => r.Labels["instance"], StringComparer.Ordinal))
            {
                var full = new Dictionary<string, string>(labels) { ["__name__"] = name };
                var stored = samples.FirstOrDefault(s => Describe(s.Labels) == Describe(full) && s.Labels["instance"] == labels["instance"]).Samples ?? [];
                var decreases = stored.Zip(stored.Skip(1)).Where(p => p.Second.Value < p.First.Value).Select(p => string.Create(
                    CultureInfo.InvariantCulture,
                    $"{p.First.Value:R} → {p.Second.Value:R} ({p.Second.Value - p.First.Value:R}) at +{p.Second.Time - _startUnix:F1} s, during \"{PhaseAt(p.Second.Time)}\""));
                problems.Add($"{NodeOf(labels["instance"], nodes)} {Describe(full)}: resets() = {value}; {string.Join("; ", decreases)}");
            }
        }

        return problems;
    }

    private string PhaseAt(double unix) => _phases.LastOrDefault(p => p.Unix <= unix).Name ?? "before the first phase";

    /// <summary>
    /// Polls both nodes' cluster endpoints until their demo monotonic samples are equal and demo_started_total counts
    /// every demo worker that ever started; null then, else what differed last.
    /// </summary>
    private async Task<string?> AgreementAsync(Node first, Node second)
    {
        const int Expected = Incarnations * DemoWorkers;
        var clock = Stopwatch.StartNew();
        var last = string.Empty;
        var rounds = 0;
        while (clock.Elapsed < AgreementTimeout)
        {
            rounds++;
            var a = await TryScrapeAsync(first.HttpPort, string.Empty);
            var b = await TryScrapeAsync(second.HttpPort, string.Empty);
            if (a is not { Status: HttpStatusCode.OK } || b is not { Status: HttpStatusCode.OK })
            {
                last = $"{first.Name} answered {(a is null ? "nothing" : (int)a.Status)}, {second.Name} answered {(b is null ? "nothing" : (int)b.Status)}";
            }
            else
            {
                var x = MonotonicSamples(a.Body);
                var y = MonotonicSamples(b.Body);
                var diff = Diff(first.Name, x, second.Name, y);
                x.TryGetValue("demo_started_total", out var startedFirst);
                y.TryGetValue("demo_started_total", out var startedSecond);
                if (diff.Count == 0 && x.Count > 0 && startedFirst == Expected)
                {
                    _output.WriteLine($"    {first.Name} and {second.Name} agree on {x.Count} samples after {clock.Elapsed.TotalSeconds:F1} s; demo_started_total {startedFirst}");

                    // Agreement between two scrapes a few ms apart could also be luck between two ticks: the totals
                    // must also hold still over more than a tick, or the pause did not work.
                    await Task.Delay(TimeSpan.FromSeconds(1.5));
                    var again = await TryScrapeAsync(first.HttpPort, string.Empty);
                    var moved = again is { Status: HttpStatusCode.OK } ? Diff($"{first.Name} then", x, $"{first.Name} 1.5 s later", MonotonicSamples(again.Body)) : [$"{first.Name} answered {(again is null ? "nothing" : (int)again.Status)}"];
                    return moved.Count == 0 ? null : $"the demo workers did not stay paused: {first.Name}'s totals changed within 1.5 s:\n    {string.Join("\n    ", moved)}";
                }

                last = string.Create(
                    CultureInfo.InvariantCulture,
                    $"demo_started_total is {startedFirst} on {first.Name} and {startedSecond} on {second.Name}; {Expected} demo workers started over the run ({Incarnations} node incarnations × {DemoWorkers}). ")
                    + (x.Count == 0 ? $"{first.Name} has no demo samples." : diff.Count == 0 ? "Every other sample agrees." : $"{diff.Count} of {x.Keys.Union(y.Keys).Count()} samples differ:\n    {string.Join("\n    ", diff.Take(40))}");
            }

            await Task.Delay(500);
        }

        return $"after pausing the demo workers, {first.Name} and {second.Name} did not agree within {AgreementTimeout} ({rounds} rounds). Last: {last}";
    }

    /// <summary>The samples that differ: exact for counts, relative 1e-9 for sums (two merges may add the same float values in another order).</summary>
    private static List<string> Diff(string firstName, Dictionary<string, double> first, string secondName, Dictionary<string, double> second)
    {
        var diff = new List<string>();
        foreach (var series in first.Keys.Union(second.Keys).Order(StringComparer.Ordinal))
        {
            var inFirst = first.TryGetValue(series, out var x);
            var inSecond = second.TryGetValue(series, out var y);
            if (!inFirst || !inSecond)
            {
                diff.Add($"{series}: only on {(inFirst ? firstName : secondName)} ({(inFirst ? x : y).ToString("R", CultureInfo.InvariantCulture)})");
                continue;
            }

            var tolerance = series.Split('{')[0].EndsWith("_sum", StringComparison.Ordinal) ? 1e-9 * Math.Max(Math.Abs(x), Math.Abs(y)) : 0;
            if (Math.Abs(x - y) > tolerance)
            {
                diff.Add(string.Create(CultureInfo.InvariantCulture, $"{series}: {firstName} {x:R}, {secondName} {y:R} ({secondName} {y - x:+0.###;-0.###})"));
            }
        }

        return diff;
    }

    /// <summary>
    /// Waits until each of <paramref name="expected"/> sees exactly those nodes as members, all Up and reachable (its
    /// own view, <c>?scope=node</c>), and answers a cluster scrape in which each of them answered.
    /// </summary>
    private async Task WaitForMembersAsync(Node[] expected)
    {
        var clock = Stopwatch.StartNew();
        var addresses = expected.Select(n => n.Address).Order(StringComparer.Ordinal).ToArray();
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        await WaitUntilAsync(
            async () =>
            {
                var ready = true;
                foreach (var node in expected)
                {
                    var local = await TryScrapeAsync(node.HttpPort, "?scope=node");
                    var cluster = await TryScrapeAsync(node.HttpPort, string.Empty);
                    if (local is not { Status: HttpStatusCode.OK } || cluster is not { Status: HttpStatusCode.OK })
                    {
                        state[node.Name] = $"answers {(local is null ? "nothing" : (int)local.Status)} (scope=node), {(cluster is null ? "nothing" : (int)cluster.Status)} (cluster)";
                        ready = false;
                        continue;
                    }

                    var members = MembersLine().Matches(local.Body).Where(m => Number(m.Groups[2].Value) != 0).ToDictionary(m => m.Groups[1].Value, m => Number(m.Groups[2].Value), StringComparer.Ordinal);
                    var unreachable = UnreachableLine().Match(local.Body) is { Success: true } u ? Number(u.Groups[1].Value) : double.NaN;
                    var up = NodeUpLine().Matches(cluster.Body).Where(m => Number(m.Groups[2].Value) == 1).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();
                    state[node.Name] = $"members {string.Join(", ", members.Select(m => $"{m.Key} {m.Value}"))}; unreachable {unreachable}; answered in its cluster scrape: {string.Join(", ", up)}";
                    ready &= members.Count == 1 && members.GetValueOrDefault("up") == expected.Length && unreachable == 0 && up.SequenceEqual(addresses);
                }

                return ready;
            },
            MembershipTimeout,
            $"{string.Join(", ", expected.Select(n => n.Name))} are the Up members, as each of them sees it, and each answers for all of them",
            expected,
            () => $"Last seen: {string.Join("; ", state.Select(s => $"{s.Key}: {s.Value}"))}");
        _output.WriteLine($"    {string.Join(", ", expected.Select(n => n.Name))} Up and answering after {clock.Elapsed.TotalSeconds:F1} s");
    }

    private void Phase(string name)
    {
        _phases.Add((name, UnixNow(), _clock.Elapsed));
        _output.WriteLine($"+{_clock.Elapsed.TotalSeconds,5:F1} s  {name}");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, IEnumerable<Node> nodes, Func<string>? state = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            var exited = nodes.Where(n => n.Process is { HasExited: true }).ToArray();
            if (clock.Elapsed > timeout || exited.Length > 0)
            {
                var why = exited.Length > 0 ? $"{string.Join(", ", exited.Select(n => $"{n.Name} exited with {n.Process!.ExitCode}"))} while waiting" : $"not true after {clock.Elapsed}";
                Assert.Fail($"{what}: {why}. {state?.Invoke()}\n\n{string.Join("\n\n", nodes.Select(n => n.Process?.ToString()))}");
            }

            await Task.Delay(250);
        }
    }

    private ChildProcess Track(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private async Task<Scrape?> TryScrapeAsync(int port, string query)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics{query}"));
            return new Scrape(response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            // Not listening (yet, or any more), or slower than the client's timeout: not an answer.
            return null;
        }
    }

    private sealed record Scrape(HttpStatusCode Status, string Body);

    /// <summary>One node's fixed ports and name; its current process (a restart replaces it).</summary>
    private sealed class Node(string name, int remotingPort, int httpPort)
    {
        public string Name { get; } = name;

        public int RemotingPort { get; } = remotingPort;

        public int HttpPort { get; } = httpPort;

        public string Address => $"akka.tcp://aggregator@127.0.0.1:{RemotingPort}";

        /// <summary>The Prometheus target (and <c>instance</c> label) of its HTTP endpoint.</summary>
        public string Target => $"127.0.0.1:{HttpPort}";

        public ChildProcess? Process { get; set; }
    }
}
