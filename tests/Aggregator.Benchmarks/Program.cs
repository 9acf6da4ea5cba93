using System.Globalization;
using BenchmarkDotNet.Running;

namespace Aggregator.Benchmarks;

/// <summary>
/// Runs the benchmarks. <c>--smoke</c> runs each benchmark method once in this process (CI: they keep building and
/// running; nothing is measured), and the churn and selections runners at a small size. <c>memory</c> reports bytes
/// per series; <c>scrape-node</c> and <c>scrape-cluster [scrapes]</c> run the end-to-end scrape cases; <c>large-node [N]</c> a
/// cluster scrape of a node holding N series (default 2,000,000); <c>node-curve [sizes]</c> clusters of 3, 10 and 30
/// actor systems in this process; <c>churn [N]</c> (default
/// 1,000,000 short-lived workers) and <c>selections [N]</c> (default 10,000 distinct selections) the state-growth cases;
/// <c>auth</c> the basic-auth timing and guessing cases against a node process; <c>status</c> the status page's cost
/// next to /metrics (8 workers × 10,000 series); <c>telemetry [rounds]</c> the actor telemetry throughput case (issue 13);
/// <c>cost-curve [sizes]</c> (default 10000 100000 1000000) issue 15's ns per series of text exposition and of the merged
/// node scrape.
/// Anything else goes to BenchmarkDotNet (<c>--filter '*Merge*'</c>, <c>--list flat</c>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "--smoke":
                // The runners first: Smoke's closing line is the one tests/run.sh prints.
                var churn = await ChurnRunner.RunAsync(workers: 2_000, wave: 500, scrapes: 5);
                await SelectionsRunner.RunAsync(selections: 100);
                await AuthRunner.RunAsync(timingRequests: 3, guessers: 2, guessing: TimeSpan.FromSeconds(1));
                await StatusRunner.RunAsync(workers: 2, series: 100, requests: 3, warmup: 1);
                await TelemetryRunner.RunAsync(rounds: 1, roundTrips: 2_000, itemsPerSender: 2_000);
                await CostCurveRunner.RunAsync([1_000, 2_000], warmup: TimeSpan.Zero);
                var smoke = Smoke.Run(typeof(Program).Assembly);
                return churn != 0 ? churn : smoke;
            case "memory":
                MemoryReport.Run();
                return 0;
            case "scrape-node":
                await ScrapeRunner.NodeAsync();
                return 0;
            case "churn":
                return await ChurnRunner.RunAsync(Count(args, ChurnRunner.DefaultWorkers));
            case "selections":
                await SelectionsRunner.RunAsync(Count(args, SelectionsRunner.DefaultSelections));
                return 0;
            case "telemetry":
                await TelemetryRunner.RunAsync(rounds: Count(args, 41));
                return 0;
            case "auth":
                await AuthRunner.RunAsync();
                return 0;
            case "cost-curve":
                await CostCurveRunner.RunAsync(args.Length > 1 ? [.. args.Skip(1).Select(n => Count(["", n], 0))] : CostCurveRunner.DefaultSizes);
                return 0;
            case "status":
                await StatusRunner.RunAsync();
                return 0;
            case "scrape-cluster":
                await ScrapeRunner.ClusterAsync(scrapes: args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : ScrapeRunner.DefaultScrapes);
                return 0;
            case "node-curve":
                await NodeCurveRunner.RunAsync(args.Length > 1 ? [.. args[1..].Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture))] : [3, 10, 30]);
                return 0;
            case "large-node":
                return await LargeNodeRunner.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : LargeNodeRunner.DefaultSeries);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }

    /// <summary>The runner's optional count argument (<c>churn 100000</c>, <c>churn 1,000,000</c>), else <paramref name="fallback"/>.</summary>
    private static int Count(string[] args, int fallback) =>
        args.Length > 1 ? int.Parse(args[1].Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;
}
