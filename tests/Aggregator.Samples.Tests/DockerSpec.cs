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

    [GeneratedRegex(@"^COPY (?!--from)(?<sources>.+) \S+$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();

    [GeneratedRegex(@"dotnet publish (?<project>\S+\.csproj)")]
    private static partial Regex PublishLine();

    [GeneratedRegex(@"ENTRYPOINT \[""dotnet"", ""(?<dll>[^""]+)""\]")]
    private static partial Regex EntryLine();
}
