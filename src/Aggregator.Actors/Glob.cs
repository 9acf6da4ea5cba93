using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Actors;

/// <summary>The wildcard patterns of worker and node selections: <c>*</c> any run of characters, <c>?</c> one.</summary>
public static class Glob
{
    // Patterns come from scrape URLs: the non-backtracking engine matches in time linear in the name, so a pattern
    // like *a*a*a*a*b cannot burn CPU or time out inside a collection; the timeout is a second line of defence.
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

        return new Regex(builder.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, MatchTimeout);
    }
}
