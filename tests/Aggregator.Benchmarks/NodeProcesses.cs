using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Aggregator.Benchmarks;

/// <summary>Node processes started from the built Release dll for the end-to-end runners, and what they cost.</summary>
internal static class NodeProcesses
{
    /// <summary>Starts a node with <c>--Node:*</c> arguments; its output is drained and dropped.</summary>
    public static Process Start(params string[] arguments)
    {
        var dll = Path.Combine(RepoRoot(), "src", "Aggregator.Node", "bin", "Release", "net10.0", "Aggregator.Node.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the node first: dotnet build src/Aggregator.Node -c Release ({dll} is missing).");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var node = Process.Start(start)!;

        // An unread pipe would fill up and stall the node.
        node.OutputDataReceived += (_, _) => { };
        node.ErrorDataReceived += (_, _) => { };
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
        return node;
    }

    /// <summary>Kills the node by its PID and waits for it.</summary>
    public static void Stop(Process node)
    {
        if (!node.HasExited)
        {
            node.Kill(entireProcessTree: true);
        }

        node.WaitForExit(10_000);
        node.Dispose();
    }

    /// <summary>CPU time (user + system) the process has used so far, from /proc.</summary>
    public static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>A free TCP port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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
