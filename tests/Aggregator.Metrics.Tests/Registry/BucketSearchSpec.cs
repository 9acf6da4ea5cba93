namespace Aggregator.Metrics.Tests.Registry;

/// <summary>
/// Every bucket search width against a linear reference, for 1 to 40 bounds, on values that probe the edges: NaN,
/// infinities, each bound and its neighbours, signed zeros, subnormals, the extremes and random values.
/// </summary>
public sealed class BucketSearchSpec
{
    public static TheoryData<int> BoundCounts()
    {
        var data = new TheoryData<int>();
        for (var count = 1; count <= 40; count++)
        {
            data.Add(count);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BoundCounts))]
    public void Every_width_puts_every_value_where_a_linear_scan_does(int boundCount)
    {
        var random = new Random(boundCount);
        foreach (var bounds in BoundSets(boundCount, random))
        {
            var padded = new MetricDefinition(MetricType.Histogram, "h", "H", [], buckets: bounds).PaddedBucketsArray;
            Assert.Equal(0, padded.Length % 8);
            Assert.Equal(bounds, padded[..boundCount]);
            Assert.All(padded[boundCount..], p => Assert.Equal(double.PositiveInfinity, p));

            foreach (var value in Values(bounds, random))
            {
                var expected = Reference(bounds, value);
                Assert.True(expected == BucketSearch.Index512(padded, boundCount, value), Describe("Index512", bounds, value, expected, BucketSearch.Index512(padded, boundCount, value)));
                Assert.True(expected == BucketSearch.Index256(padded, boundCount, value), Describe("Index256", bounds, value, expected, BucketSearch.Index256(padded, boundCount, value)));
                Assert.True(expected == BucketSearch.Index128(padded, boundCount, value), Describe("Index128", bounds, value, expected, BucketSearch.Index128(padded, boundCount, value)));
                Assert.True(expected == BucketSearch.IndexScalar(padded, boundCount, value), Describe("IndexScalar", bounds, value, expected, BucketSearch.IndexScalar(padded, boundCount, value)));
                Assert.True(expected == BucketSearch.Index(padded, boundCount, value), Describe("Index", bounds, value, expected, BucketSearch.Index(padded, boundCount, value)));
            }
        }
    }

    [Fact]
    public void Edge_values_land_in_the_documented_buckets()
    {
        double[] bounds = [-1, 0, 1];
        var padded = new MetricDefinition(MetricType.Histogram, "h", "H", [], buckets: bounds).PaddedBucketsArray;
        (double Value, int Bucket)[] cases =
        [
            (double.NaN, 3),
            (double.PositiveInfinity, 3),
            (double.NegativeInfinity, 0),
            (-1, 0),
            (Math.BitDecrement(-1), 0),
            (Math.BitIncrement(-1), 1),
            (-0.0, 1),
            (0.0, 1),
            (double.Epsilon, 2),
            (-double.Epsilon, 1),
            (1, 2),
            (Math.BitIncrement(1), 3),
        ];
        foreach (var (value, bucket) in cases)
        {
            Assert.Equal(bucket, BucketSearch.Index512(padded, bounds.Length, value));
            Assert.Equal(bucket, BucketSearch.Index256(padded, bounds.Length, value));
            Assert.Equal(bucket, BucketSearch.Index128(padded, bounds.Length, value));
            Assert.Equal(bucket, BucketSearch.IndexScalar(padded, bounds.Length, value));
        }
    }

    // The bucket today's semantics give: the first bound at least the value, else the +Inf bucket (NaN included).
    private static int Reference(double[] bounds, double value)
    {
        for (var i = 0; i < bounds.Length; i++)
        {
            if (value <= bounds[i])
            {
                return i;
            }
        }

        return bounds.Length;
    }

    private static IEnumerable<double[]> BoundSets(int count, Random random)
    {
        yield return Buckets.Exponential(0.001, 2, count);
        yield return Buckets.Linear(-count / 2.0, 1, count);

        // Bounds around zero at subnormal spacing, so that signed zeros and subnormals sit on and between bounds.
        yield return Enumerable.Range(-count / 2, count).Select(i => i * double.Epsilon).ToArray();

        // Random strictly increasing bounds spanning the whole range of doubles.
        var set = new SortedSet<double>();
        while (set.Count < count)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (double.IsFinite(value))
            {
                set.Add(value);
            }
        }

        yield return [.. set];
    }

    private static IEnumerable<double> Values(double[] bounds, Random random)
    {
        double[] fixedValues =
        [
            double.NaN, -double.NaN, BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0001), double.PositiveInfinity,
            double.NegativeInfinity, 0.0, -0.0, double.Epsilon, -double.Epsilon, 2.2250738585072009E-308,
            -2.2250738585072009E-308, double.MaxValue, double.MinValue, 1, -1,
        ];
        foreach (var value in fixedValues)
        {
            yield return value;
        }

        foreach (var bound in bounds)
        {
            yield return bound;
            yield return Math.BitDecrement(bound);
            yield return Math.BitIncrement(bound);
        }

        for (var i = 0; i < 200; i++)
        {
            yield return (random.NextDouble() - 0.25) * bounds[^1] * 2;
            yield return BitConverter.Int64BitsToDouble(random.NextInt64());
        }
    }

    private static string Describe(string search, double[] bounds, double value, int expected, int actual) =>
        FormattableString.Invariant($"{search} put {value:R} (bits {BitConverter.DoubleToInt64Bits(value):X16}) in bucket {actual}, not {expected}, with bounds [{string.Join(",", bounds.Select(b => b.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}]");
}
