namespace Aggregator.Metrics.Tests.Registry;

public sealed class HistogramSpec
{
    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(17)]
    public void Every_value_lands_in_the_first_bucket_whose_bound_is_at_least_it(int bucketCount)
    {
        var bounds = Buckets.Exponential(0.001, 2, bucketCount);
        var values = new List<double> { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1, 0, -0.0, double.MaxValue };
        foreach (var bound in bounds)
        {
            values.AddRange([bound, Math.BitDecrement(bound), Math.BitIncrement(bound)]);
        }

        var random = new Random(11);
        values.AddRange(Enumerable.Range(0, 500).Select(_ => random.NextDouble() * bounds[^1] * 1.5));

        var histogram = new WorkerRegistry().Histogram("h", new MetricOptions { Buckets = bounds }).Unlabelled;
        var expected = new long[bounds.Length + 1];
        foreach (var value in values)
        {
            histogram.Observe(value);
            var index = Array.FindIndex(bounds, b => value <= b);
            expected[index < 0 ? bounds.Length : index]++;
        }

        var cumulative = histogram.Family.Registry.Collect().Find("h")!.Series[0].CumulativeBuckets;
        var running = 0L;
        Assert.Equal(expected.Select(e => running += e), cumulative);
        Assert.Equal(values.Count, cumulative[^1]);
    }
}
