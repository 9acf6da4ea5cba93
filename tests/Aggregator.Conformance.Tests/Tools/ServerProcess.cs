using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>
/// A real server started for a test (Pushgateway, node_exporter, Prometheus, a node): started with arguments, ready
/// when a URL answers, and killed by its PID (with its children) on dispose, also when the test failed.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>What the process printed so far (both streams), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>A free TCP port on 127.0.0.1 (bound and released; the test binds it right after).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> and waits until <paramref name="readyUrl"/> answers with any status but 503, which
    /// every server here uses for "not ready yet" (Prometheus's <c>/-/ready</c> while its storage opens, a node before it
    /// has read the cluster's state). <paramref name="readyClient"/> asks instead of a plain client, for a server that
    /// wants credentials or a client certificate.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string fileName, IEnumerable<string> arguments, Uri readyUrl, TimeSpan? readyWithin = null, HttpClient? readyClient = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync(readyUrl, readyWithin ?? TimeSpan.FromSeconds(30), readyClient);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends SIGTERM, as <c>docker stop</c>, systemd and Kubernetes do (<see cref="Process.Kill()"/> sends SIGKILL), and
    /// waits up to <paramref name="within"/> for the exit: its code, or null when the process is still running.
    /// </summary>
    public int? Terminate(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
            if (kill.ExitCode != 0)
            {
                throw new InvalidOperationException($"kill -TERM {Pid} failed with {kill.ExitCode}.");
            }
        }

        return _process.WaitForExit(within) ? _process.ExitCode : null;
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    private async Task WaitReadyAsync(Uri url, TimeSpan within, HttpClient? client)
    {
        using var own = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var http = client ?? own;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    return;
                }

                await Task.Delay(50);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"{url} did not answer within {within}:\n{Output}");
    }
}
