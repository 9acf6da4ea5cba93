using System.Runtime.CompilerServices;

namespace Aggregator.Metrics;

/// <summary>
/// The native buckets of one histogram series while it records. Each sign has a window of
/// <see cref="NativeHistogramOptions.MaxBucketCount"/> counts allocated with the series, placed at an offset index: an
/// observation inside the window is one increment, with no allocation, lock or atomic operation. One outside it moves
/// the window (in place) or, when the populated indices would span more than the window, halves the resolution
/// (schema minus one, adjacent pairs merged) until they fit.
/// </summary>
/// <remarks>
/// Not thread-safe: a worker registry's owner alone touches it; a shared registry's histogram holds a lock on it for
/// each observation and snapshot (the classic buckets there stay lock-free). NaN is counted by the histogram's count
/// and sum but in no native bucket; ±Inf go to the bucket after ±<see cref="double.MaxValue"/>'s, as in client_golang.
/// Memory: 2 × <see cref="NativeHistogramOptions.MaxBucketCount"/> × 8 bytes per series (2.5 KiB at the default 160).
/// </remarks>
internal sealed class NativeBuckets
{
    private const long MantissaMask = 0xF_FFFF_FFFF_FFFF;

    private readonly double _zeroThreshold;
    private readonly long[] _positive;
    private readonly long[] _negative;
    private int _schema;
    private long _zeroCount;
    private int _positiveOffset;
    private int _negativeOffset;

    // The current schema's tables (positive schemas only), kept in fields so that an observation reads no static.
    private ushort[] _cells = [];
    private double[] _bounds = [];

    public NativeBuckets(NativeHistogramOptions options)
    {
        _zeroThreshold = options.ZeroThreshold;
        _positive = new long[options.MaxBucketCount];
        _negative = new long[options.MaxBucketCount];
        SetSchema(options.Schema ?? NativeHistogramOptions.DefaultSchema);
        _positiveOffset = int.MinValue / 2;
        _negativeOffset = int.MinValue / 2;
    }

    /// <summary>The current schema (the configured one, or lower once the resolution was halved).</summary>
    public int Schema => _schema;

    /// <summary>Counts <paramref name="value"/> in its bucket.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Observe(double value)
    {
        if (value > _zeroThreshold)
        {
            var bits = BitConverter.DoubleToInt64Bits(value);
            var biased = (int)(bits >>> 52);
            if ((uint)(biased - 1) < 0x7FE)
            {
                var index = IndexOf(biased - 1023, bits & MantissaMask);
                var slot = index - _positiveOffset;
                if ((uint)slot < (uint)_positive.Length)
                {
                    _positive[slot]++;
                    return;
                }
            }

            Place(negative: false, NativeSchema.Index(value, _schema));
        }
        else if (value >= -_zeroThreshold)
        {
            _zeroCount++;
        }
        else if (!double.IsNaN(value))
        {
            ObserveNegative(-value);
        }
    }

    /// <summary>The buckets as they are now.</summary>
    public NativeHistogramSnapshot Snapshot()
    {
        var (pFirst, p) = Copy(_positive, _positiveOffset);
        var (nFirst, n) = Copy(_negative, _negativeOffset);
        return new NativeHistogramSnapshot(_schema, _zeroThreshold, _zeroCount, pFirst, p, nFirst, n);
    }

    private static (int First, long[] Counts) Copy(long[] window, int offset)
    {
        var (lo, hi) = Populated(window);
        return lo > hi ? (0, []) : (offset + lo, window[lo..(hi + 1)]);
    }

    private static (int Lo, int Hi) Populated(long[] window)
    {
        var lo = 0;
        while (lo < window.Length && window[lo] == 0)
        {
            lo++;
        }

        var hi = window.Length - 1;
        while (hi >= lo && window[hi] == 0)
        {
            hi--;
        }

        return (lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int IndexOf(int exponent, long mantissa)
    {
        var schema = _schema;
        if (schema > 0)
        {
            var i = (int)_cells[mantissa >> (51 - schema)];
            if (BitConverter.Int64BitsToDouble(mantissa | 0x3FF0_0000_0000_0000) > _bounds[i])
            {
                i++;
            }

            return (exponent << schema) + i;
        }

        var key = mantissa == 0 ? exponent : exponent + 1;
        return (key + (1 << -schema) - 1) >> -schema;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ObserveNegative(double magnitude)
    {
        var index = NativeSchema.Index(magnitude, _schema);
        var slot = index - _negativeOffset;
        if ((uint)slot < (uint)_negative.Length)
        {
            _negative[slot]++;
            return;
        }

        Place(negative: true, index);
    }

    /// <summary>Counts bucket <paramref name="index"/> of a sign whose window does not hold it: moves the window, or halves the resolution first.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Place(bool negative, int index)
    {
        var known = index - (negative ? _negativeOffset : _positiveOffset);
        if ((uint)known < (uint)_positive.Length)
        {
            // Subnormals and infinities come here whether or not their bucket is in the window.
            (negative ? _negative : _positive)[known]++;
            return;
        }

        while (true)
        {
            var window = negative ? _negative : _positive;
            var offset = negative ? _negativeOffset : _positiveOffset;
            var (lo, hi) = Populated(window);
            long low = lo > hi ? index : Math.Min(index, (long)offset + lo);
            long high = lo > hi ? index : Math.Max(index, (long)offset + hi);
            if (high - low < window.Length)
            {
                var moved = Center(window, offset, lo, hi, (int)low, (int)high);
                window[index - moved]++;
                if (negative)
                {
                    _negativeOffset = moved;
                }
                else
                {
                    _positiveOffset = moved;
                }

                return;
            }

            // Too wide for the window at this schema: halve the resolution of both signs (the schema is the histogram's).
            if (_schema == NativeHistogramOptions.MinSchema)
            {
                // Unreachable with at least MinMaxBucketCount buckets: schema -4 spans every double.
                throw new InvalidOperationException($"Native bucket {index} does not fit at schema {_schema}.");
            }

            _positiveOffset = Halve(_positive, _positiveOffset);
            _negativeOffset = Halve(_negative, _negativeOffset);
            index = NativeSchema.Reduce(index, _schema, _schema - 1);
            SetSchema(_schema - 1);
        }
    }

    /// <summary>
    /// Moves the populated slots <paramref name="lo"/>..<paramref name="hi"/> (at <paramref name="offset"/>) so that indices
    /// <paramref name="low"/>..<paramref name="high"/> sit in the middle of the window; returns the new offset.
    /// </summary>
    private static int Center(long[] window, int offset, int lo, int hi, int low, int high)
    {
        var moved = low - ((window.Length - (high - low + 1)) / 2);
        if (lo <= hi)
        {
            var target = offset + lo - moved;
            Array.Copy(window, lo, window, target, hi - lo + 1);
            if (target > lo)
            {
                Array.Clear(window, lo, Math.Min(target - lo, hi - lo + 1));
            }
            else if (target < lo)
            {
                var clearFrom = Math.Max(target + hi - lo + 1, lo);
                Array.Clear(window, clearFrom, hi + 1 - clearFrom);
            }
        }

        return moved;
    }

    /// <summary>Merges adjacent bucket pairs in place (index i goes to ceil(i/2)) and centers the result; returns the new offset.</summary>
    private int Halve(long[] window, int offset)
    {
        var (lo, hi) = Populated(window);
        if (lo > hi)
        {
            return offset;
        }

        // Compressed to the window's start first: every write lands at or before the slot just read.
        var first = NativeSchema.Reduce(offset + lo, _schema, _schema - 1);
        for (var slot = lo; slot <= hi; slot++)
        {
            var count = window[slot];
            window[slot] = 0;
            window[NativeSchema.Reduce(offset + slot, _schema, _schema - 1) - first] += count;
        }

        var last = NativeSchema.Reduce(offset + hi, _schema, _schema - 1);
        return Center(window, first, 0, last - first, first, last);
    }

    private void SetSchema(int schema)
    {
        _schema = schema;
        if (schema > 0)
        {
            _cells = NativeSchema.Cells(schema);
            _bounds = NativeSchema.Bounds(schema);
        }
    }
}
