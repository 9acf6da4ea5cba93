using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Samples.Tests;

/// <summary>What the README shows is real: its C# stands in samples and tests, its cluster commands work.</summary>
public sealed partial class ReadmeSpec
{
    private static readonly string Root = NodeProcess.RepoRoot();

    [Fact]
    public void Every_csharp_line_of_the_readme_stands_in_a_sample_or_a_test()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var code = string.Join('\n', Directory.EnumerateFiles(Path.Combine(Root, "samples"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        var sourceLines = code.Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        var blocks = CSharpBlock().Matches(readme).Select(m => m.Groups["code"].Value).ToArray();
        var missing = blocks.SelectMany(b => b.Split('\n'))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal) && !sourceLines.Contains(l))
            .ToArray();

        Assert.Equal(4, blocks.Length);
        Assert.True(missing.Length == 0, "README lines found in no sample or test:\n" + string.Join('\n', missing));
    }

    [Fact]
    public async Task The_cluster_script_starts_three_nodes_that_the_readmes_prometheus_config_scrapes_and_stops_them()
    {
        var run = Directory.CreateTempSubdirectory("aggregator-cluster-script-").FullName;
        try
        {
            var start = Script("start", run);
            Assert.True(start.ExitCode == 0, start.ToString());
            Assert.Contains("cluster up: 3 nodes", start.StandardOutput, StringComparison.Ordinal);
            var status = Script("status", run);
            Assert.Equal(3, status.StandardOutput.Split('\n').Count(l => l.StartsWith("aggregator_source_up{level=\"node\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal)));

            // The README's Prometheus command, on a free port and a temporary store.
            var port = ServerProcess.FreePort();
            var data = Path.Combine(run, "prometheus");
            using var prometheus = await ServerProcess.StartAsync(
                "/usr/bin/prometheus",
                [$"--config.file={Path.Combine(Root, "cluster-config", "prometheus.yml")}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}"],
                new Uri($"http://127.0.0.1:{port}/-/ready"));
            Assert.Equal(12, await QueryUntilAsync(port, "demo_started_total", TimeSpan.FromSeconds(30)));
        }
        finally
        {
            var stop = Script("stop", run);
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Empty(Directory.GetFiles(run, "*.pid"));
            Directory.Delete(run, recursive: true);
        }
    }

    private static ToolResult Script(string command, string run) =>
        ExternalTool.Run("/usr/bin/env", ["AGGREGATOR_RUN=" + run, "bash", Path.Combine(Root, "cluster-config", "cluster.sh"), command], standardInput: (string?)null, TimeSpan.FromSeconds(120));

    private static async Task<double> QueryUntilAsync(int port, string query, TimeSpan within)
    {
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await http.GetFromJsonAsync<JsonElement>(new Uri($"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString(query)}"));
            var result = answer.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() == 1)
            {
                return double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            }

            Assert.True(clock.Elapsed < within, $"'{query}' returned {result.GetArrayLength()} series for {within}.");
            await Task.Delay(500);
        }
    }

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
