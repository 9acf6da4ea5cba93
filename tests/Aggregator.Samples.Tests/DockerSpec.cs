using System.Text.RegularExpressions;
using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Samples.Tests;

/// <summary>No Docker engine runs here: the compose file is validated and the Dockerfile's paths checked.</summary>
public sealed partial class DockerSpec
{
    private static readonly string Root = NodeProcess.RepoRoot();

    [Fact]
    public void The_compose_file_is_valid()
    {
        ExternalTool.Require("/usr/bin/docker-compose", "docker-compose");

        var result = ExternalTool.Run("/usr/bin/docker-compose", ["-f", Path.Combine(Root, "docker", "docker-compose.yml"), "config", "-q"], standardInput: (string?)null);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Compose_restarts_every_node_after_the_cluster_downs_it()
    {
        ExternalTool.Require("/usr/bin/docker-compose", "docker-compose");

        var result = ExternalTool.Run("/usr/bin/docker-compose", ["-f", Path.Combine(Root, "docker", "docker-compose.yml"), "config"], standardInput: (string?)null);

        // A downed node exits 255 and cannot rejoin without a new process; unless-stopped restarts it on any exit.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            ["node1=unless-stopped", "node2=unless-stopped", "node3=unless-stopped", "prometheus=", "pushgateway="],
            ServiceLine().Matches(result.StandardOutput).Select(m => $"{m.Groups["service"].Value}={RestartLine().Match(m.Groups["body"].Value).Groups["policy"].Value}"));
    }

    [Fact]
    public void The_systemd_unit_is_valid_and_restarts_a_node_that_exits_255()
    {
        ExternalTool.Require("/usr/bin/systemd-analyze", "systemd");
        var unit = Path.Combine(Root, "docker", "aggregator-node.service");

        var verify = ExternalTool.Run("/usr/bin/systemd-analyze", ["verify", unit], standardInput: (string?)null);
        var lines = File.ReadAllLines(unit);

        // verify exits 0 even for unknown keys and bad values: it warns on standard error.
        Assert.True(verify.ExitCode == 0 && verify.StandardError.Length == 0, verify.ToString());
        Assert.Equal(["Restart=on-failure"], lines.Where(l => l.StartsWith("Restart=", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.StartsWith("SuccessExitStatus=", StringComparison.Ordinal) || l.StartsWith("RestartPreventExitStatus=", StringComparison.Ordinal));
        Assert.Equal(["ExecStart=/usr/bin/dotnet /opt/aggregator/Aggregator.Node.dll --Node:HoconFile=/etc/aggregator/node.hocon"], lines.Where(l => l.StartsWith("ExecStart=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_path_the_dockerfile_copies_or_builds_exists()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "docker", "Dockerfile"));
        var copied = CopyLine().Matches(dockerfile).SelectMany(m => m.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var published = PublishLine().Match(dockerfile).Groups["project"].Value;
        var entry = EntryLine().Match(dockerfile).Groups["dll"].Value;

        Assert.Equal(["global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig", "src/"], copied);
        Assert.All(copied, path => Assert.True(File.Exists(Path.Combine(Root, path)) || Directory.Exists(Path.Combine(Root, path)), path));
        Assert.True(File.Exists(Path.Combine(Root, published)), published);
        Assert.Equal("Aggregator.Node.dll", Path.GetFileName(entry));
        Assert.Equal("Aggregator.Node", Path.GetFileNameWithoutExtension(published));
        Assert.True(File.Exists(Path.Combine(Root, "docker", "prometheus.yml")));
    }

    [GeneratedRegex(@"^  (?<service>[a-z0-9]+):\n(?<body>(?:    .*\n)*)", RegexOptions.Multiline)]
    private static partial Regex ServiceLine();

    [GeneratedRegex(@"^    restart: (?<policy>\S+)$", RegexOptions.Multiline)]
    private static partial Regex RestartLine();

    [GeneratedRegex(@"^COPY (?!--from)(?<sources>.+) \S+$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();

    [GeneratedRegex(@"dotnet publish (?<project>\S+\.csproj)")]
    private static partial Regex PublishLine();

    [GeneratedRegex(@"ENTRYPOINT \[""dotnet"", ""(?<dll>[^""]+)""\]")]
    private static partial Regex EntryLine();
}
