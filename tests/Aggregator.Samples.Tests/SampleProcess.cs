using Aggregator.Conformance.Tests.Tools;

namespace Aggregator.Samples.Tests;

/// <summary>Runs a sample from its built dll, as a separate process stopped by its PID.</summary>
public static class SampleProcess
{
    public static string Dll(string sample)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(NodeProcess.RepoRoot(), "samples", sample, "bin", configuration, "net10.0", sample + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The sample is not built: {dll}.");
    }

    /// <summary>Starts a long-running sample; ready when <paramref name="readyUrl"/> answers.</summary>
    public static Task<ServerProcess> StartAsync(string sample, Uri readyUrl, params string[] arguments) =>
        ServerProcess.StartAsync("dotnet", [Dll(sample), .. arguments], readyUrl, TimeSpan.FromSeconds(60));

    /// <summary>Runs a sample to its end.</summary>
    public static ToolResult Run(string sample, params string[] arguments) =>
        ExternalTool.Run("dotnet", [Dll(sample), .. arguments], standardInput: (string?)null, TimeSpan.FromSeconds(60));

    public static async Task<string> ScrapeAsync(Uri url, string? accept = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The lines of the named families, in order.</summary>
    public static string Families(string exposition, params string[] sampleNames) =>
        string.Join('\n', exposition.Split('\n').Where(l => sampleNames.Any(n => l.StartsWith(n + "{", StringComparison.Ordinal) || l.StartsWith(n + " ", StringComparison.Ordinal)))) + "\n";
}
