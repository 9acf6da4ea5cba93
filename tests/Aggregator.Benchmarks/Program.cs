using BenchmarkDotNet.Running;

namespace Aggregator.Benchmarks;

/// <summary>
/// Runs the benchmarks. <c>--smoke</c> runs each benchmark method once in this process (CI: they keep building and
/// running; nothing is measured). <c>memory</c> reports bytes per series; <c>scrape-node</c> and <c>scrape-cluster</c>
/// run the end-to-end scrape cases. Anything else goes to BenchmarkDotNet (<c>--filter '*Merge*'</c>, <c>--list flat</c>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "--smoke":
                return Smoke.Run(typeof(Program).Assembly);
            case "memory":
                MemoryReport.Run();
                return 0;
            case "scrape-node":
                await ScrapeRunner.NodeAsync();
                return 0;
            case "scrape-cluster":
                await ScrapeRunner.ClusterAsync();
                return 0;
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
