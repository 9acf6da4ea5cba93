using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aggregator.Hosting;

namespace Aggregator.Benchmarks;

/// <summary>
/// Basic auth under attack, against a real node process secured by a web config file (bcrypt cost 10, the default):
/// how long an unknown user takes against a wrong password (user enumeration by timing), and what eight guessing
/// clients do to a legitimate scraper and to the node's CPU.
/// </summary>
internal static class AuthRunner
{
    private const string User = "prometheus";
    private const string Password = "correct horse battery staple";

    public static async Task RunAsync(int timingRequests = 50, int guessers = 8, TimeSpan? guessing = null)
    {
        var folder = Directory.CreateTempSubdirectory("aggregator-auth-bench-").FullName;
        try
        {
            var webConfig = Path.Combine(folder, "web.yml");
            await File.WriteAllTextAsync(webConfig, $"basic_auth_users:\n  {User}: {PasswordHash.Create(Password)}\n");
            Console.WriteLine($"auth: bcrypt cost {PasswordHash.DefaultBcryptCost}; {Environment.ProcessorCount} cores");

            // Timing: without the per-address limit, which would otherwise answer 429 long before 2 x 50 guesses.
            await WithNodeAsync(webConfig, ["--Node:PasswordAttempts:Burst=1000000"], url => TimingAsync(url, timingRequests));

            var duration = guessing ?? TimeSpan.FromSeconds(20);
            await WithNodeAsync(webConfig, [], url => GuessingAsync("default limits", url, guessers, duration));
            await WithNodeAsync(webConfig, ["--Node:PasswordAttempts:Burst=1000000"], url => GuessingAsync("per-address limit off", url, guessers, duration));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task WithNodeAsync(string webConfig, string[] extra, Func<NodeUnderTest, Task> measure)
    {
        var port = NodeProcesses.FreePort();
        var node = NodeProcesses.Start([$"--Node:Port={NodeProcesses.FreePort()}", $"--Node:HttpUrl=http://127.0.0.1:{port}", $"--Node:WebConfigFile={webConfig}", .. extra]);
        try
        {
            var target = new NodeUnderTest(new Uri($"http://127.0.0.1:{port}/metrics"), node);
            await WaitReadyAsync(target.Url);
            await measure(target);
        }
        finally
        {
            NodeProcesses.Stop(node);
        }
    }

    private static async Task TimingAsync(NodeUnderTest node, int requests)
    {
        using var http = new HttpClient();
        var unknown = new List<double>();
        var wrong = new List<double>();

        // Interleaved, so that a slower stretch of the machine weighs on both alike.
        for (var i = 0; i < requests + 5; i++)
        {
            var unknownTime = await TimeAsync(http, node.Url, Basic($"user{i}", $"guess{i}"), HttpStatusCode.Unauthorized);
            var wrongTime = await TimeAsync(http, node.Url, Basic(User, $"guess{i}"), HttpStatusCode.Unauthorized);
            if (i >= 5)
            {
                unknown.Add(unknownTime);
                wrong.Add(wrongTime);
            }
        }

        var unknownMedian = Median(unknown);
        var wrongMedian = Median(wrong);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"auth timing: unknown user median {unknownMedian:F1} ms, wrong password median {wrongMedian:F1} ms, ratio {unknownMedian / wrongMedian:F2} ({requests} requests each)"));
    }

    private static async Task GuessingAsync(string name, NodeUnderTest node, int guessers, TimeSpan duration)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var valid = Basic(User, Password);
        var baseline = new List<double>();
        for (var i = 0; i < 55; i++)
        {
            var time = await TimeAsync(http, node.Url, valid, HttpStatusCode.OK);
            if (i >= 5)
            {
                baseline.Add(time);
            }
        }

        using var stop = new CancellationTokenSource(duration);
        var statuses = new Dictionary<int, int>();
        var cpuBefore = NodeProcesses.CpuTime(node.Process);
        var clock = Stopwatch.StartNew();
        var attackers = Enumerable.Range(0, guessers).Select(g => Task.Run(() => GuessAsync(node.Url, g, statuses, stop.Token))).ToArray();
        var during = new List<double>();
        while (!stop.IsCancellationRequested)
        {
            during.Add(await TimeAsync(http, node.Url, valid, HttpStatusCode.OK));
            await Task.Delay(100, CancellationToken.None);
        }

        await Task.WhenAll(attackers);
        var cores = (NodeProcesses.CpuTime(node.Process) - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        string answers;
        lock (statuses)
        {
            answers = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} x {s.Key}"));
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"auth guessing ({name}): {guessers} clients for {duration.TotalSeconds:F0} s; legitimate scrape median {Median(baseline):F1} ms before, {Median(during):F1} ms during (max {during.Max():F1} ms, {during.Count} scrapes); node CPU {cores:F2} cores; guesses answered {answers}"));
    }

    private static async Task GuessAsync(Uri url, int guesser, Dictionary<int, int> statuses, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(Basic(i % 2 == 0 ? User : $"user{guesser}", $"guess-{guesser}-{i}"));
            try
            {
                using var response = await http.SendAsync(request, stop);
                lock (statuses)
                {
                    statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static async Task<double> TimeAsync(HttpClient http, Uri url, string authorization, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        return response.StatusCode == expected
            ? elapsed
            : throw new InvalidOperationException($"{url} answered {(int)response.StatusCode} where {(int)expected} was expected.");
    }

    private static async Task WaitReadyAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = AuthenticationHeaderValue.Parse(Basic(User, Password));
                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{url} did not answer 200 within 60 s.");
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private sealed record NodeUnderTest(Uri Url, Process Process);
}
