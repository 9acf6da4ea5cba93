using System.Globalization;
using Aggregator.Metrics;
using Aggregator.Metrics.Push;

// A batch job that reports to a Pushgateway: it processes its rows, pushes what it did under job + instance (an
// instance holding "/" goes base64-encoded), and removes its group when asked to.
// Usage: BatchPush --gateway 127.0.0.1:9091 [--job nightly_import] [--instance importer/eu-1] [--rows 250]
//                  [--mode run|push|delete] [--hold-ms 2000]
// run: push, wait --hold-ms (a scrape can see it), delete. push: push and exit. delete: delete and exit.
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var options = new PushgatewayOptions
{
    Gateway = Arg("--gateway", "127.0.0.1:9091"),
    Job = Arg("--job", "nightly_import"),
    GroupingKey = new Dictionary<string, string> { ["instance"] = Arg("--instance", "importer/eu-1") },
    Timeout = TimeSpan.FromSeconds(5),
};
var mode = Arg("--mode", "run");
var rows = int.Parse(Arg("--rows", "250"), CultureInfo.InvariantCulture);
var hold = TimeSpan.FromMilliseconds(int.Parse(Arg("--hold-ms", "2000"), CultureInfo.InvariantCulture));
using var gateway = new PushgatewayClient(options);

if (mode is "run" or "push")
{
    var registry = new SharedRegistry();
    var processed = registry.Counter("batch_rows_processed_total", "Rows the batch processed, by outcome.", "outcome");
    var duration = registry.Gauge("batch_duration_seconds", "How long the last run took.");
    var lastSuccess = registry.Gauge("batch_last_success_timestamp_seconds", "When the last run succeeded.");
    duration.Unlabelled.Time(() =>
    {
        for (var row = 0; row < rows; row++)
        {
            // Every tenth row is rejected, so the outcome label has two values.
            processed.WithLabels(row % 10 == 9 ? "rejected" : "imported").Inc();
        }
    });
    lastSuccess.Unlabelled.SetToCurrentTime();

    var pushed = await gateway.PushAsync(registry);
    Console.WriteLine($"push: {pushed}");
    if (!pushed.Success)
    {
        return 1;
    }
}

if (mode == "run")
{
    await Task.Delay(hold);
}

if (mode is "run" or "delete")
{
    var deleted = await gateway.DeleteAsync();
    Console.WriteLine($"delete: {deleted}");
    return deleted.Success ? 0 : 1;
}

return 0;
