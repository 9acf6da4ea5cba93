using System.Diagnostics;
using System.Text;

namespace Aggregator.Conformance.Tests.Tools;

/// <summary>
/// Runs a real tool (promtool, Python) to completion with text on its standard input. The process is killed by its
/// PID if it outlives the timeout or the test fails while it runs.
/// </summary>
public static class ExternalTool
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Fails with a clear message when <paramref name="path"/> is not installed (the test command installs it).</summary>
    public static void Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: install the Debian package '{package}' (tests/run.sh does).");
        }
    }

    public static ToolResult Run(string fileName, IEnumerable<string> arguments, string? standardInput, TimeSpan? timeout = null) =>
        Run(fileName, arguments, standardInput is null ? null : Encoding.UTF8.GetBytes(standardInput), timeout);

    /// <summary>Runs the tool with exactly <paramref name="standardInput"/> (no re-encoding, no byte-order mark) on its standard input.</summary>
    public static ToolResult Run(string fileName, IEnumerable<string> arguments, byte[]? standardInput, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (standardInput is not null)
            {
                process.StandardInput.BaseStream.Write(standardInput);
                process.StandardInput.BaseStream.Flush();
            }

            process.StandardInput.Close();
            if (!process.WaitForExit(timeout ?? DefaultTimeout))
            {
                throw new TimeoutException($"{fileName} did not finish within {timeout ?? DefaultTimeout}.");
            }

            process.WaitForExit();
            return new ToolResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
