namespace Aggregator.Metrics.Tests.Native;

/// <summary>Bucket indices as Prometheus defines them: bucket i holds (base^(i-1), base^i], base = 2^(2^-schema).</summary>
public sealed class NativeSchemaSpec
{
    public static TheoryData<int, double, int> Indices => new()
    {
        // Schema 0: base 2.
        { 0, 1, 0 },
        { 0, Math.BitIncrement(1), 1 },
        { 0, Math.BitDecrement(1), 0 },
        { 0, 1.5, 1 },
        { 0, 2, 1 },
        { 0, 3, 2 },
        { 0, 4, 2 },
        { 0, 0.75, 0 },
        { 0, 0.5, -1 },
        { 0, double.MaxValue, 1024 },
        { 0, double.PositiveInfinity, 1025 },
        { 0, double.Epsilon, -1074 },
        { 0, Math.ScaleB(1, -1030), -1030 },
        { 0, Math.ScaleB(1.5, -1030), -1029 },

        // Schema -2: base 16.
        { -2, 1, 0 },
        { -2, 2, 1 },
        { -2, 16, 1 },
        { -2, Math.BitIncrement(16), 2 },
        { -2, 17, 2 },
        { -2, 256, 2 },
        { -2, 0.5, 0 },
        { -2, 1.0 / 16, -1 },
        { -2, Math.BitIncrement(1.0 / 16), 0 },
        { -2, 1.0 / 17, -1 },
        { -2, double.MaxValue, 256 },
        { -2, double.PositiveInfinity, 257 },

        // Schema 3: base 2^(1/8) ≈ 1.0905.
        { 3, 1, 0 },
        { 3, Math.BitIncrement(1), 1 },
        { 3, 1.09, 1 },
        { 3, 1.0906, 2 },
        { 3, 1.2968395546510096, 3 },
        { 3, Math.BitIncrement(1.2968395546510096), 4 },
        { 3, 2, 8 },
        { 3, Math.BitIncrement(2), 9 },
        { 3, 3, 13 },
        { 3, 0.5, -8 },
        { 3, 0.75, -3 },
        { 3, double.MaxValue, 8192 },
        { 3, double.PositiveInfinity, 8193 },
    };

    [Theory]
    [MemberData(nameof(Indices))]
    public void A_value_on_a_bound_belongs_to_the_lower_bucket(int schema, double value, int expected)
    {
        Assert.Equal(expected, NativeSchema.Index(value, schema));
        Assert.Equal(expected, Observed(schema, value).PositiveBuckets.Single().Key);
        Assert.Equal(expected, Observed(schema, -value).NegativeBuckets.Single().Key);
    }

    [Fact]
    public void Every_schema_agrees_with_its_bounds_for_random_values_and_their_neighbours()
    {
        var random = new Random(7);
        for (var schema = NativeHistogramOptions.MinSchema; schema <= NativeHistogramOptions.MaxSchema; schema++)
        {
            for (var n = 0; n < 3000; n++)
            {
                var value = Math.ScaleB(1 + random.NextDouble(), random.Next(-1020, 1023));
                var index = NativeSchema.Index(value, schema);
                Assert.True(NativeSchema.UpperBound(index - 1, schema) < value, $"schema {schema}: {value:R} above bucket {index}'s lower bound");
                Assert.True(value <= NativeSchema.UpperBound(index, schema), $"schema {schema}: {value:R} at most bucket {index}'s upper bound");

                // A bound itself is its bucket's last value; the next double starts the next bucket.
                var bound = NativeSchema.UpperBound(index, schema);
                if (bound < double.MaxValue && bound >= 1e-300)
                {
                    Assert.Equal(index, NativeSchema.Index(bound, schema));
                    Assert.Equal(index + 1, NativeSchema.Index(Math.BitIncrement(bound), schema));
                }
            }
        }
    }

    [Fact]
    public void Reducing_a_schema_merges_pairs_so_that_index_i_goes_to_ceil_i_over_2()
    {
        Assert.Equal([-2, -1, -1, 0, 0, 1, 1, 2], new[] { -4, -3, -2, -1, 0, 1, 2, 3 }.Select(i => NativeSchema.Reduce(i, 3, 2)));
        Assert.Equal([-1, -1, 0, 0, 0, 0, 1, 1], new[] { -5, -4, -3, -2, -1, 0, 1, 4 }.Select(i => NativeSchema.Reduce(i, 3, 1)));

        // The bucket of a value at the lower schema is the reduced bucket of its index at the higher one.
        var random = new Random(3);
        for (var n = 0; n < 2000; n++)
        {
            var value = Math.ScaleB(1 + random.NextDouble(), random.Next(-200, 200));
            var from = random.Next(-3, 9);
            var to = random.Next(-4, from);
            Assert.Equal(NativeSchema.Index(value, to), NativeSchema.Reduce(NativeSchema.Index(value, from), from, to));
        }
    }

    private static NativeHistogramSnapshot Observed(int schema, double value)
    {
        var histogram = Registries.Worker().Histogram("h", new MetricOptions { NativeHistogram = new NativeHistogramOptions { Schema = schema, ZeroThreshold = 0 } });
        histogram.Observe(value);
        return histogram.Unlabelled.Snapshot().Native!;
    }
}
