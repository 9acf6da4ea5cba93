namespace Aggregator.Metrics;

/// <summary>Lock-free addition to a shared <see cref="double"/>, for the shared registry's series.</summary>
internal static class AtomicDouble
{
    /// <summary>Adds <paramref name="amount"/> to <paramref name="location"/>; true when another thread got in between (contention).</summary>
    public static bool Add(ref double location, double amount)
    {
        var contended = false;
        var seen = Volatile.Read(ref location);
        while (true)
        {
            var prior = Interlocked.CompareExchange(ref location, seen + amount, seen);

            // Bitwise, not ==: a NaN value never equals itself and would spin forever.
            if (BitConverter.DoubleToInt64Bits(prior) == BitConverter.DoubleToInt64Bits(seen))
            {
                return contended;
            }

            contended = true;
            seen = prior;
        }
    }
}
