namespace Aggregator.Metrics.Tests.Model;

public sealed class BucketsSpec
{
    [Fact]
    public void Default_is_the_Go_clients_list() =>
        Assert.Equal([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], Buckets.Default);

    [Fact]
    public void Linear_adds_the_width_to_the_start()
    {
        Assert.Equal([0, 0.5, 1], Buckets.Linear(0, 0.5, 3));
        Assert.Equal([-1, 0, 1, 2], Buckets.Linear(-1, 1, 4));
        Assert.Equal([5], Buckets.Linear(5, 1, 1));
    }

    [Fact]
    public void Linear_multiplies_rather_than_accumulates()
    {
        // start + i * width: 0.1 + 2 * 0.1 is 0.30000000000000004 in binary floating point, as in the Go and Python clients.
        Assert.Equal([0.1, 0.2, 0.30000000000000004], Buckets.Linear(0.1, 0.1, 3));
    }

    [Theory]
    [InlineData(0, 1, 0, "count", "Linear buckets need a count of at least 1. (Parameter 'count')\nActual value was 0.")]
    [InlineData(0, 1, -3, "count", "Linear buckets need a count of at least 1. (Parameter 'count')\nActual value was -3.")]
    [InlineData(double.NaN, 1, 2, "start", "Linear buckets need a finite start. (Parameter 'start')\nActual value was NaN.")]
    [InlineData(double.PositiveInfinity, 1, 2, "start", "Linear buckets need a finite start. (Parameter 'start')\nActual value was Infinity.")]
    [InlineData(double.NegativeInfinity, 1, 2, "start", "Linear buckets need a finite start. (Parameter 'start')\nActual value was -Infinity.")]
    [InlineData(0, 0, 2, "width", "Linear buckets need a finite width greater than 0. (Parameter 'width')\nActual value was 0.")]
    [InlineData(0, -0.5, 2, "width", "Linear buckets need a finite width greater than 0. (Parameter 'width')\nActual value was -0.5.")]
    [InlineData(0, double.NaN, 2, "width", "Linear buckets need a finite width greater than 0. (Parameter 'width')\nActual value was NaN.")]
    [InlineData(0, double.PositiveInfinity, 2, "width", "Linear buckets need a finite width greater than 0. (Parameter 'width')\nActual value was Infinity.")]
    public void Linear_checks_its_arguments(double start, double width, int count, string param, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Linear(start, width, count));
        Assert.Equal(param, ex.ParamName);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Linear_refuses_to_overflow_to_infinity()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Linear(1e308, 1e308, 3));
        Assert.Equal("count", ex.ParamName);
        Assert.Equal("Linear buckets overflow to infinity at bucket 1. (Parameter 'count')\nActual value was 3.", ex.Message);
    }

    [Fact]
    public void Exponential_multiplies_by_the_factor()
    {
        Assert.Equal([1, 2, 4, 8, 16], Buckets.Exponential(1, 2, 5));
        Assert.Equal([0.25, 0.5, 1], Buckets.Exponential(0.25, 2, 3));
        Assert.Equal([1, 1.5, 2.25, 3.375], Buckets.Exponential(1, 1.5, 4));
        Assert.Equal([7], Buckets.Exponential(7, 3, 1));
    }

    [Theory]
    [InlineData(1, 2, 0, "count", "Exponential buckets need a count of at least 1. (Parameter 'count')\nActual value was 0.")]
    [InlineData(0, 2, 3, "start", "Exponential buckets need a finite start greater than 0. (Parameter 'start')\nActual value was 0.")]
    [InlineData(-1, 2, 3, "start", "Exponential buckets need a finite start greater than 0. (Parameter 'start')\nActual value was -1.")]
    [InlineData(double.NaN, 2, 3, "start", "Exponential buckets need a finite start greater than 0. (Parameter 'start')\nActual value was NaN.")]
    [InlineData(double.PositiveInfinity, 2, 3, "start", "Exponential buckets need a finite start greater than 0. (Parameter 'start')\nActual value was Infinity.")]
    [InlineData(1, 1, 3, "factor", "Exponential buckets need a finite factor greater than 1. (Parameter 'factor')\nActual value was 1.")]
    [InlineData(1, 0.5, 3, "factor", "Exponential buckets need a finite factor greater than 1. (Parameter 'factor')\nActual value was 0.5.")]
    [InlineData(1, double.NaN, 3, "factor", "Exponential buckets need a finite factor greater than 1. (Parameter 'factor')\nActual value was NaN.")]
    [InlineData(1, double.PositiveInfinity, 3, "factor", "Exponential buckets need a finite factor greater than 1. (Parameter 'factor')\nActual value was Infinity.")]
    public void Exponential_checks_its_arguments(double start, double factor, int count, string param, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Exponential(start, factor, count));
        Assert.Equal(param, ex.ParamName);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Exponential_refuses_to_overflow_to_infinity()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Buckets.Exponential(1e300, 1e5, 4));
        Assert.Equal("count", ex.ParamName);
        Assert.Equal("Exponential buckets overflow to infinity at bucket 2. (Parameter 'count')\nActual value was 4.", ex.Message);
    }

    [Fact]
    public void Validate_drops_a_trailing_infinity_and_copies()
    {
        double[] bounds = [0.5, 1, double.PositiveInfinity];
        var result = Buckets.Validate("h", bounds);
        Assert.Equal([0.5, 1], result);
        Assert.NotSame(bounds, result);
        Assert.Equal(double.PositiveInfinity, bounds[2]);
    }

    [Theory]
    [InlineData(new double[0], "Histogram 'h' needs at least one bucket bound besides the implicit +Inf. (Parameter 'bounds')")]
    [InlineData(new[] { double.PositiveInfinity }, "Histogram 'h' needs at least one bucket bound besides the implicit +Inf. (Parameter 'bounds')")]
    [InlineData(new[] { 1.0, 1.0 }, "Histogram 'h' bucket bounds must be strictly increasing: 1 at position 1 follows 1. (Parameter 'bounds')")]
    [InlineData(new[] { 0.5, 2, 1 }, "Histogram 'h' bucket bounds must be strictly increasing: 1 at position 2 follows 2. (Parameter 'bounds')")]
    [InlineData(new[] { 1.0, double.NaN }, "Histogram 'h' has a bucket bound that is not finite: NaN at position 1. (Parameter 'bounds')")]
    [InlineData(new[] { double.NegativeInfinity, 1 }, "Histogram 'h' has a bucket bound that is not finite: -Inf at position 0. (Parameter 'bounds')")]
    [InlineData(new[] { 1, double.PositiveInfinity, 2 }, "Histogram 'h' has a bucket bound that is not finite: +Inf at position 1. (Parameter 'bounds')")]
    public void Validate_names_the_bad_bound(double[] bounds, string message)
    {
        var ex = Assert.Throws<MetricDefinitionException>(() => Buckets.Validate("h", bounds));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Validate_rejects_null() =>
        Assert.Equal("bounds", Assert.Throws<ArgumentNullException>(() => Buckets.Validate("h", null!)).ParamName);
}
