using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Actors;

/// <summary>The wildcard patterns of worker and node selections: <c>*</c> any run of characters, <c>?</c> one.</summary>
public static class Glob
{
    // A pathological pattern cannot stall a collection for longer than this.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The anchored regular expression of <paramref name="pattern"/>.</summary>
    public static Regex ToRegex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var builder = new StringBuilder("^");
        foreach (var c in pattern)
        {
            builder.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(builder.Append('$').ToString(), RegexOptions.CultureInvariant, MatchTimeout);
    }
}
