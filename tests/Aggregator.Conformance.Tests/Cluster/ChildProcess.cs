using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Aggregator.Conformance.Tests.Cluster;

/// <summary>
/// A long-running process a test starts (a node from the built dll, a Prometheus server): its output is kept for
/// failure messages, and it is killed with its whole tree by its PID on <see cref="Dispose"/>.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once <see cref="HasExited"/>, else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the process wrote (stdout and stderr).</summary>
    public string Output => string.Join("\n", _output.TakeLast(60));

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Starts the built <c>Aggregator.Node.dll</c> (never <c>dotnet run</c>, whose child would outlive a kill).</summary>
    public static ChildProcess StartNode(string name, IEnumerable<string> arguments)
    {
        var dll = NodeDll();
        return Start(name, DotnetHost(), [dll, .. arguments], Path.GetDirectoryName(dll)!);
    }

    /// <summary>SIGKILL (Process.Kill on Unix) of the process and its children, then waits for it to be gone.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It was never started or is already gone.
        }
    }

    /// <summary>
    /// SIGTERM (by the <c>kill</c> command: .NET only sends SIGKILL), the signal an orchestrator stops a process with;
    /// then waits up to <paramref name="within"/> for it to exit. False when it still runs.
    /// </summary>
    public bool Terminate(TimeSpan within)
    {
        if (_process.HasExited)
        {
            return true;
        }

        var kill = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        kill.ArgumentList.Add("-TERM");
        kill.ArgumentList.Add(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (var signal = Process.Start(kill) ?? throw new InvalidOperationException("Could not start kill."))
        {
            signal.WaitForExit(5_000);
        }

        return _process.WaitForExit(within);
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (STOP, CONT, ...) with the <c>kill</c> command: SIGSTOP freezes the process as a
    /// hung node would be, without closing its sockets.
    /// </summary>
    public void Signal(string signal)
    {
        if (_process.HasExited)
        {
            return;
        }

        var kill = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        kill.ArgumentList.Add("-" + signal);
        kill.ArgumentList.Add(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(kill) ?? throw new InvalidOperationException("Could not start kill.");
        process.WaitForExit(5_000);
        Assert.True(process.ExitCode == 0, $"kill -{signal} {_process.Id} exited with {process.ExitCode}: {process.StandardError.ReadToEnd()}");
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    public override string ToString() => $"{Name} (PID {Id}{(HasExited ? ", exited" : string.Empty)}):\n{Output}";

    /// <summary>A TCP port on 127.0.0.1 free at the time of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The repository root: the first directory above the test assembly holding Aggregator.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aggregator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Aggregator.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Aggregator.Node.dll built in this test assembly's configuration (the ProjectReference builds it).</summary>
    public static string NodeDll()
    {
        var configuration = typeof(ChildProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(RepositoryRoot(), "src", "Aggregator.Node", "bin", configuration, "net10.0", "Aggregator.Node.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution (or this test project, which references Aggregator.Node) in {configuration}.");
        return dll;
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            return path;
        }

        return "dotnet";
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 500 && _output.TryDequeue(out _))
        {
        }
    }
}
