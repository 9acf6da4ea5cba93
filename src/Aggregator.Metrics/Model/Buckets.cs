using System.Globalization;

namespace Aggregator.Metrics;

/// <summary>Histogram bucket boundaries: the defaults and the linear and exponential helpers.</summary>
public static class Buckets
{
    private static readonly double[] DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The default boundaries, taken from the Go client: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.</summary>
    public static IReadOnlyList<double> Default => DefaultBounds;

    /// <summary>
    /// <paramref name="count"/> boundaries starting at <paramref name="start"/>, each <paramref name="width"/> above the previous.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">count is below 1, width is not positive, an argument is not finite, or a bound overflows to infinity.</exception>
    public static double[] Linear(double start, double width, int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Linear buckets need a count of at least 1.");
        }

        if (!double.IsFinite(start))
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "Linear buckets need a finite start.");
        }

        if (!(width > 0) || !double.IsFinite(width))
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "Linear buckets need a finite width greater than 0.");
        }

        var bounds = new double[count];
        for (var i = 0; i < count; i++)
        {
            bounds[i] = start + (i * width);
            if (!double.IsFinite(bounds[i]))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(count),
                    count,
                    string.Create(CultureInfo.InvariantCulture, $"Linear buckets overflow to infinity at bucket {i}."));
            }
        }

        return bounds;
    }

    /// <summary>
    /// <paramref name="count"/> boundaries starting at <paramref name="start"/>, each <paramref name="factor"/> times the previous.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">start is not positive, factor is not above 1, or count is below 1.</exception>
    public static double[] Exponential(double start, double factor, int count)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Exponential buckets need a count of at least 1.");
        }

        if (!(start > 0) || !double.IsFinite(start))
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, "Exponential buckets need a finite start greater than 0.");
        }

        if (!(factor > 1) || !double.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Exponential buckets need a finite factor greater than 1.");
        }

        var bounds = new double[count];
        var bound = start;
        for (var i = 0; i < count; i++)
        {
            if (!double.IsFinite(bound))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(count),
                    count,
                    string.Create(CultureInfo.InvariantCulture, $"Exponential buckets overflow to infinity at bucket {i}."));
            }

            bounds[i] = bound;
            bound *= factor;
        }

        return bounds;
    }

    /// <summary>
    /// Checks that <paramref name="bounds"/> is a valid bucket list for <paramref name="metricName"/>: at least one bound,
    /// every bound finite, strictly increasing. A trailing +Inf is accepted and dropped, since it is implicit.
    /// </summary>
    /// <returns>A private copy of the finite bounds.</returns>
    public static double[] Validate(string metricName, IEnumerable<double> bounds)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        var list = bounds.ToList();
        if (list.Count > 0 && double.IsPositiveInfinity(list[^1]))
        {
            list.RemoveAt(list.Count - 1);
        }

        if (list.Count == 0)
        {
            throw new MetricDefinitionException(
                $"Histogram '{metricName}' needs at least one bucket bound besides the implicit +Inf.", nameof(bounds));
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (!double.IsFinite(list[i]))
            {
                throw new MetricDefinitionException(
                    string.Create(CultureInfo.InvariantCulture, $"Histogram '{metricName}' has a bucket bound that is not finite: {list[i]} at position {i}."),
                    nameof(bounds));
            }

            if (i > 0 && !(list[i] > list[i - 1]))
            {
                throw new MetricDefinitionException(
                    string.Create(CultureInfo.InvariantCulture, $"Histogram '{metricName}' bucket bounds must be strictly increasing: {list[i]} at position {i} follows {list[i - 1]}."),
                    nameof(bounds));
            }
        }

        return [.. list];
    }
}
