using System.Globalization;

namespace QuickStart;

/// <summary>The sample's command line: <c>--port</c>, <c>--seed</c>, <c>--interval-ms</c>, <c>--ticks</c>.</summary>
internal sealed record SampleArguments(int Port, int Seed, TimeSpan Interval, int Ticks)
{
    public static SampleArguments Parse(string[] args)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        int Number(string name, int fallback) => Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        return new SampleArguments(
            Number("--port", 8043),
            Number("--seed", Environment.TickCount),
            TimeSpan.FromMilliseconds(Number("--interval-ms", 1000)),
            Number("--ticks", -1));
    }
}
