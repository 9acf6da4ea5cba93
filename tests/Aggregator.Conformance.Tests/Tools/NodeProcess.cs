namespace Aggregator.Conformance.Tests.Tools;

/// <summary>An Aggregator.Node started from its built dll (never `dotnet run`, whose child would outlive a kill).</summary>
public static class NodeProcess
{
    /// <summary>The built node dll of the same configuration as this test assembly.</summary>
    public static string Dll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(RepoRoot(), "src", "Aggregator.Node", "bin", configuration, "net10.0", "Aggregator.Node.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"The node is not built: {dll}.");
        }
    }

    /// <summary>Starts a node with <c>--Node:*</c> arguments; ready when its metrics path answers.</summary>
    public static Task<ServerProcess> StartAsync(int remotingPort, int httpPort, params string[] arguments) =>
        ServerProcess.StartAsync(
            "dotnet",
            [Dll, $"--Node:Port={remotingPort}", $"--Node:HttpUrl=http://127.0.0.1:{httpPort}", .. arguments],
            new Uri($"http://127.0.0.1:{httpPort}/metrics"),
            TimeSpan.FromSeconds(60));

    /// <summary>The folder holding Aggregator.sln.</summary>
    public static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aggregator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Aggregator.sln not found above " + AppContext.BaseDirectory);
    }
}
