using System.Diagnostics;
using System.Net;

namespace Aggregator.Conformance.Tests.Cluster;

/// <summary>
/// A node process removed by the split-brain resolver says so in one line with its exit code, and exits with that code;
/// a node stopped with SIGTERM says nothing of the kind and exits 0.
/// </summary>
public sealed class NodeDowningSpec : IDisposable
{

    private readonly string _temp = Directory.CreateTempSubdirectory("aggregator-downing-").FullName;
    private readonly List<ChildProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task The_member_the_split_brain_resolver_downs_logs_its_exit_code_and_exits_255()
    {
        // Two members and one unreachable: keep-majority is a tie, which keeps the side with the lowest address. The
        // seed gets the lower port and is frozen (SIGSTOP), so the other, running, member downs itself.
        int[] remoting = [.. new[] { ChildProcess.FreePort(), ChildProcess.FreePort() }.Order()];
        var http = ChildProcess.FreePort();
        var seed = $"akka.tcp://aggregator@127.0.0.1:{remoting[0]}";
        var downed = $"akka.tcp://aggregator@127.0.0.1:{remoting[1]}";
        var hocon = await FastClusterHoconAsync();
        var frozen = Track(ChildProcess.StartNode("seed", Arguments(hocon, remoting[0], ChildProcess.FreePort(), seed)));
        var survivor = Track(ChildProcess.StartNode("downed", Arguments(hocon, remoting[1], http, seed)));
        await WaitUntilAsync(async () => await NodesUpAsync(http) == 2, TimeSpan.FromSeconds(45), "the second node sees 2 nodes up", [frozen, survivor]);

        Signal("STOP", frozen.Id);
        var clock = Stopwatch.StartNew();
        while (!survivor.HasExited && clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            await Task.Delay(100);
        }

        Assert.True(survivor.HasExited, $"not removed within {clock.Elapsed}:\n{survivor}");
        Assert.Equal(255, survivor.ExitCode);
        Assert.Single(survivor.Output.Split('\n'), l => l.EndsWith(DownedLine(downed), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_stopped_with_SIGTERM_exits_0_without_the_downing_line()
    {
        var remoting = ChildProcess.FreePort();
        var http = ChildProcess.FreePort();
        var self = $"akka.tcp://aggregator@127.0.0.1:{remoting}";
        var node = Track(ChildProcess.StartNode("node", Arguments(await FastClusterHoconAsync(), remoting, http, self)));
        await WaitUntilAsync(async () => await NodesUpAsync(http) == 1, TimeSpan.FromSeconds(45), "the node sees itself up", [node]);

        Assert.True(node.Terminate(TimeSpan.FromSeconds(15)), $"still running 15 s after SIGTERM:\n{node}");
        Assert.Equal(0, node.ExitCode);
        Assert.DoesNotContain("will exit with code", node.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

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

    private static string DownedLine(string address) =>
        $"Node {address} was downed by the cluster (split-brain resolver or Cluster.Down): its actor system is shutting down and the process will exit with code 255. "
        + "It cannot rejoin without a restart: run it under a supervisor that restarts it (docker restart: unless-stopped, systemd Restart=on-failure).";

    private static string[] Arguments(string hocon, int remoting, int http, string seed) =>
    [
        $"--Node:HoconFile={hocon}",
        $"--Node:Port={remoting}",
        $"--Node:HttpUrl=http://127.0.0.1:{http}",
        $"--Node:SeedNodes={seed}",
        "--Node:DemoWorkers=0",
    ];

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {pid} failed with {kill.ExitCode}.");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, ChildProcess[] processes)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout || processes.Any(p => p.HasExited))
            {
                Assert.Fail($"Not true after {clock.Elapsed}: {what}.\n{string.Join("\n\n", processes.Select(p => p.ToString()))}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Unreachable after about a second and removed two seconds later, instead of 4.5 s and 7 s.</summary>
    private async Task<string> FastClusterHoconAsync()
    {
        var path = Path.Combine(_temp, "node.hocon");
        await File.WriteAllTextAsync(path, """
            akka.cluster.gossip-interval = 200ms
            akka.cluster.leader-actions-interval = 200ms
            akka.cluster.failure-detector.heartbeat-interval = 200ms
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 1s
            akka.cluster.split-brain-resolver.stable-after = 2s
            """);
        return path;
    }

    /// <summary>How many <c>aggregator_source_up{level="node"}</c> series are 1 on the node's endpoint; 0 while it does not answer.</summary>
    private async Task<int> NodesUpAsync(int port)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK
                ? body.Split('\n').Count(l => l.StartsWith("aggregator_source_up{level=\"node\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal))
                : 0;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }

    private ChildProcess Track(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }
}
