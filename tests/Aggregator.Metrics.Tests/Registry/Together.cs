namespace Aggregator.Metrics.Tests.Registry;

/// <summary>Starts threads at one barrier, so that they really run at once, and waits for them all.</summary>
internal static class Together
{
    public static void Run(int threads, Action<int> body)
    {
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads)
            .Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                body(t);
            }))
            .ToArray();
        foreach (var w in workers)
        {
            w.Start();
        }

        foreach (var w in workers)
        {
            w.Join();
        }
    }
}
