using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>
/// The arithmetic of native histogram buckets, as Prometheus and client_golang define it: for schema <c>s</c> the
/// bucket of index <c>i</c> holds <c>(base^(i-1), base^i]</c> with <c>base = 2^(2^-s)</c>, so a value on a bound
/// belongs to the lower bucket. Indices come from the double's exponent and mantissa bits, never from a logarithm.
/// </summary>
internal static class NativeSchema
{
    private const long MantissaMask = 0xF_FFFF_FFFF_FFFF;
    private const long OneBits = 0x3FF0_0000_0000_0000;

    // Per schema 1..8: Bounds[s][i] = 2^(i/2^s) for i in 0..2^s (in [1, 2]); Cells[s][c] = the least i whose bound is at
    // least the mantissa cell c's lower end, with 2^(s+1) cells, narrower than any bucket, so one compare finishes.
    private static readonly double[][] BoundsBySchema = new double[NativeHistogramOptions.MaxSchema + 1][];
    private static readonly ushort[][] CellsBySchema = new ushort[NativeHistogramOptions.MaxSchema + 1][];

    static NativeSchema()
    {
        for (var s = 1; s <= NativeHistogramOptions.MaxSchema; s++)
        {
            var n = 1 << s;
            var bounds = new double[n + 1];
            for (var i = 0; i <= n; i++)
            {
                bounds[i] = Math.Pow(2, (double)i / n);
            }

            bounds[n] = 2;
            var cells = new ushort[2 * n];
            var b = 0;
            for (var c = 0; c < cells.Length; c++)
            {
                var low = 1 + ((double)c / cells.Length);
                while (bounds[b] < low)
                {
                    b++;
                }

                cells[c] = (ushort)b;
            }

            BoundsBySchema[s] = bounds;
            CellsBySchema[s] = cells;
        }
    }

    /// <summary>The mantissa bounds <c>2^(i/2^s)</c>, <c>i</c> = 0..2^s, of a positive schema.</summary>
    public static double[] Bounds(int schema) => BoundsBySchema[schema];

    /// <summary>The mantissa cell table of a positive schema (see the type's remarks).</summary>
    public static ushort[] Cells(int schema) => CellsBySchema[schema];

    /// <summary>
    /// The bucket index of a magnitude <paramref name="value"/> &gt; 0 (finite or +Inf) at <paramref name="schema"/>.
    /// +Inf takes the index after <see cref="double.MaxValue"/>'s, as client_golang does.
    /// </summary>
    public static int Index(double value, int schema)
    {
        if (double.IsPositiveInfinity(value))
        {
            return Index(double.MaxValue, schema) + 1;
        }

        var bits = BitConverter.DoubleToInt64Bits(value);
        var biased = (int)(bits >>> 52);
        if (biased == 0)
        {
            // Subnormal: scaled into the normal range exactly, then the exponent put back.
            bits = BitConverter.DoubleToInt64Bits(Math.ScaleB(value, 64));
            biased = (int)(bits >>> 52) - 64;
        }

        return Index(biased - 1023, bits & MantissaMask, schema);
    }

    /// <summary>The index of <c>2^exponent * (1 + mantissa/2^52)</c> at <paramref name="schema"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(int exponent, long mantissa, int schema)
    {
        if (schema > 0)
        {
            var i = (int)CellsBySchema[schema][mantissa >> (51 - schema)];
            if (BitConverter.Int64BitsToDouble(mantissa | OneBits) > BoundsBySchema[schema][i])
            {
                i++;
            }

            return (exponent << schema) + i;
        }

        // A power of two is the upper bound of its bucket; anything above it belongs to the next.
        var key = mantissa == 0 ? exponent : exponent + 1;
        return (key + (1 << -schema) - 1) >> -schema;
    }

    /// <summary>The upper bound <c>base^index</c> of bucket <paramref name="index"/> at <paramref name="schema"/>.</summary>
    public static double UpperBound(int index, int schema)
    {
        if (schema > 0)
        {
            return Math.ScaleB(BoundsBySchema[schema][index & ((1 << schema) - 1)], index >> schema);
        }

        return Math.ScaleB(1, (int)Math.Clamp((long)index << -schema, -2000, 2000));
    }

    /// <summary>The index at <paramref name="to"/> of the bucket that holds bucket <paramref name="index"/> of schema <paramref name="from"/> (Prometheus's targetIdx).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Reduce(int index, int from, int to) => ((index - 1) >> (from - to)) + 1;
}
