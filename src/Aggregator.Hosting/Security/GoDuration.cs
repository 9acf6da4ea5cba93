using System.Globalization;

namespace Aggregator.Hosting;

/// <summary>Go's duration syntax (<c>time.ParseDuration</c>: <c>1s</c>, <c>250ms</c>, <c>1m30s</c>, <c>0</c>), which the web config's durations use.</summary>
internal static class GoDuration
{
    /// <summary>Reads a duration; a negative one is refused.</summary>
    /// <exception cref="FormatException">Not a Go duration; the message quotes it.</exception>
    public static TimeSpan Parse(string text)
    {
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        var ticks = 0.0;
        var rest = text.AsSpan();
        if (rest.IsEmpty)
        {
            throw new FormatException("An empty duration.");
        }

        while (!rest.IsEmpty)
        {
            var number = 0;
            while (number < rest.Length && (char.IsAsciiDigit(rest[number]) || rest[number] == '.'))
            {
                number++;
            }

            var unit = number;
            while (unit < rest.Length && !char.IsAsciiDigit(rest[unit]) && rest[unit] != '.')
            {
                unit++;
            }

            if (number == 0 || !double.TryParse(rest[..number], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"'{text}' is not a duration like 1s, 250ms or 1m30s.");
            }

            ticks += value * (rest[number..unit] switch
            {
                "ns" => 0.01,
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => throw new FormatException($"'{text}' has no unit or an unknown one; use ns, us, ms, s, m or h."),
            });
            rest = rest[unit..];
        }

        return ticks <= TimeSpan.MaxValue.Ticks ? TimeSpan.FromTicks((long)ticks) : throw new FormatException($"'{text}' is too long a duration.");
    }
}
