namespace Aggregator.Metrics.Merging;

/// <summary>
/// The order gauges are compared in by the <c>max</c>, <c>min</c> and <c>mostrecent</c> policies: the usual order of
/// numbers with -0 below +0 (so the choice between them does not depend on which source came first), and NaN
/// treated as the worst candidate: max and min both pick a number over NaN, and NaN only when every source reports NaN.
/// </summary>
public static class GaugeOrder
{
    /// <summary>The order for <c>max</c>: negative when <paramref name="a"/> is below <paramref name="b"/>; NaN is below every number.</summary>
    public static int CompareForMax(double a, double b) =>
        double.IsNaN(a) || double.IsNaN(b) ? NaNLast(a, b) : CompareNumbers(a, b);

    /// <summary>The order for <c>min</c>: negative when <paramref name="a"/> is below <paramref name="b"/>; NaN is above every number.</summary>
    public static int CompareForMin(double a, double b) =>
        double.IsNaN(a) || double.IsNaN(b) ? -NaNLast(a, b) : CompareNumbers(a, b);

    private static int NaNLast(double a, double b) => double.IsNaN(a) ? (double.IsNaN(b) ? 0 : -1) : 1;

    private static int CompareNumbers(double a, double b)
    {
        if (a == b)
        {
            // Equal numbers; only the signs of zero can still differ.
            return double.IsNegative(a) == double.IsNegative(b) ? 0 : double.IsNegative(a) ? -1 : 1;
        }

        return a < b ? -1 : 1;
    }
}
