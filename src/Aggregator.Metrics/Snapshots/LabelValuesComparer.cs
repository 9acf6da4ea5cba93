namespace Aggregator.Metrics;

/// <summary>Orders label-value lists ordinally, value by value: the series order of every snapshot and exposition.</summary>
public sealed class LabelValuesComparer : IComparer<string[]>, IComparer<SeriesSnapshot>
{
    /// <summary>The one instance.</summary>
    public static readonly LabelValuesComparer Instance = new();

    private LabelValuesComparer()
    {
    }

    /// <inheritdoc />
    public int Compare(string[]? x, string[]? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            var c = string.CompareOrdinal(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    /// <inheritdoc />
    public int Compare(SeriesSnapshot x, SeriesSnapshot y) => Compare(x.LabelValuesArray, y.LabelValuesArray);
}
