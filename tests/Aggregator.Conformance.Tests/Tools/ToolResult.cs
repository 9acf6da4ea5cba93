namespace Aggregator.Conformance.Tests.Tools;

/// <summary>What an external tool said: its exit code and both output streams.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}
