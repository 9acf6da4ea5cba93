using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Aggregator.Metrics;

/// <summary>
/// Finds a histogram bucket: the first bound at least the value (le is inclusive), the +Inf bucket for NaN and for
/// values above every bound. The vector searches read bounds padded with +Inf to a multiple of 8.
/// </summary>
/// <remarks>
/// The vector searches are branch-free: they count the bounds the value is at most (a suffix, since bounds increase)
/// and cost the same for every value, where a scan's exit branch is unpredictable for random values. Each width is
/// callable directly, so that every one of them is checked on every machine (unaccelerated, they run in software).
/// </remarks>
internal static class BucketSearch
{
    /// <summary>
    /// The bucket of <paramref name="value"/> with the widest search the machine accelerates. Inlined whole into
    /// Observe (the other widths fall away as the JIT knows the machine), so no call, spill or vzeroupper is paid.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(double[] padded, int boundCount, double value)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            return Index512(padded, boundCount, value);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            return Index256(padded, boundCount, value);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            return Index128(padded, boundCount, value);
        }

        return IndexScalar(padded, boundCount, value);
    }

    /// <summary>Eight bounds per compare.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index512(double[] padded, int boundCount, double value)
    {
        var broadcast = Vector512.Create(value);
        ref var start = ref MemoryMarshal.GetArrayDataReference(padded);
        var atMost = 0;
        for (var i = 0; i < padded.Length; i += 8)
        {
            atMost += BitOperations.PopCount(Vector512.LessThanOrEqual(broadcast, Vector512.LoadUnsafe(ref start, (nuint)i)).ExtractMostSignificantBits());
        }

        // NaN is at most nothing, +Inf padding included: the min sends it to the +Inf bucket.
        return Math.Min(padded.Length - atMost, boundCount);
    }

    /// <summary>
    /// Four bounds per compare, two compares per step. The compare results (-1 where true) are summed as vectors and
    /// reduced once at the end: fewer instructions than a mask extraction and popcount per compare.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index256(double[] padded, int boundCount, double value)
    {
        var broadcast = Vector256.Create(value);
        ref var start = ref MemoryMarshal.GetArrayDataReference(padded);
        var low = Vector256<long>.Zero;
        var high = Vector256<long>.Zero;
        for (var i = 0; i < padded.Length; i += 8)
        {
            low += Vector256.LessThanOrEqual(broadcast, Vector256.LoadUnsafe(ref start, (nuint)i)).AsInt64();
            high += Vector256.LessThanOrEqual(broadcast, Vector256.LoadUnsafe(ref start, (nuint)(i + 4))).AsInt64();
        }

        var atMost = -(int)Vector256.Sum(low + high);
        return Math.Min(padded.Length - atMost, boundCount);
    }

    /// <summary>Two bounds per compare, as <see cref="Index256"/> (ARM64's AdvSimd, SSE-only x86).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index128(double[] padded, int boundCount, double value)
    {
        var broadcast = Vector128.Create(value);
        ref var start = ref MemoryMarshal.GetArrayDataReference(padded);
        var sum = Vector128<long>.Zero;
        for (var i = 0; i < padded.Length; i += 8)
        {
            sum += Vector128.LessThanOrEqual(broadcast, Vector128.LoadUnsafe(ref start, (nuint)i)).AsInt64()
                + Vector128.LessThanOrEqual(broadcast, Vector128.LoadUnsafe(ref start, (nuint)(i + 2))).AsInt64()
                + Vector128.LessThanOrEqual(broadcast, Vector128.LoadUnsafe(ref start, (nuint)(i + 4))).AsInt64()
                + Vector128.LessThanOrEqual(broadcast, Vector128.LoadUnsafe(ref start, (nuint)(i + 6))).AsInt64();
        }

        var atMost = -(int)Vector128.Sum(sum);
        return Math.Min(padded.Length - atMost, boundCount);
    }

    /// <summary>A scan, for machines without vector hardware.</summary>
    public static int IndexScalar(double[] padded, int boundCount, double value)
    {
        var index = 0;

        // "!(value <= bound)" rather than "value > bound" so that NaN runs through to +Inf.
        while (index < boundCount && !(value <= padded[index]))
        {
            index++;
        }

        return index;
    }
}
