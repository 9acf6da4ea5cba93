using System.Globalization;

namespace Aggregator.Metrics;

/// <summary>The naming rules of the Prometheus data model, with errors that name the culprit.</summary>
public static class MetricNames
{
    /// <summary>Whether <paramref name="name"/> matches <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsValidMetricName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="name"/> matches <c>[a-zA-Z_][a-zA-Z0-9_]*</c> and does not start with <c>__</c>.</summary>
    public static bool IsValidLabelName(string? name) =>
        !string.IsNullOrEmpty(name) && !name.StartsWith("__", StringComparison.Ordinal) && HasLegacyLabelCharacters(name);

    /// <summary>
    /// Whether <paramref name="name"/> is not empty and made of the characters a legacy label name may hold
    /// (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>), whatever its prefix: the reserved <c>__</c> is the declaration's concern, not
    /// the exposition's.
    /// </summary>
    internal static bool HasLegacyLabelCharacters(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="name"/> is a valid metric name under <paramref name="validation"/>.</summary>
    public static bool IsValidMetricName(string? name, NameValidation validation) =>
        validation == NameValidation.Utf8 ? IsValidUtf8Name(name) : IsValidMetricName(name);

    /// <summary>
    /// Whether <paramref name="name"/> is a valid label name under <paramref name="validation"/>; never one starting
    /// with <c>__</c>.
    /// </summary>
    public static bool IsValidLabelName(string? name, NameValidation validation) =>
        validation == NameValidation.Utf8
            ? IsValidUtf8Name(name) && !name!.StartsWith("__", StringComparison.Ordinal)
            : IsValidLabelName(name);

    /// <summary>
    /// Whether <paramref name="name"/> is a name Prometheus 3 accepts: not empty, and with a UTF-8 encoding (a .NET
    /// string can hold an unpaired surrogate, which has none).
    /// </summary>
    public static bool IsValidUtf8Name(string? name) => !string.IsNullOrEmpty(name) && UnpairedSurrogate(name) < 0;

    /// <summary>Throws a <see cref="MetricDefinitionException"/> naming <paramref name="name"/> when it is not a valid metric name.</summary>
    public static void ValidateMetricName(string? name) => ValidateMetricName(name, NameValidation.Legacy);

    /// <summary>
    /// Throws a <see cref="MetricDefinitionException"/> naming <paramref name="name"/> when it is not a valid metric
    /// name under <paramref name="validation"/>.
    /// </summary>
    public static void ValidateMetricName(string? name, NameValidation validation)
    {
        if (IsValidMetricName(name, validation))
        {
            return;
        }

        var rule = validation == NameValidation.Utf8
            ? Utf8Rule(name)
            : "it must match [a-zA-Z_:][a-zA-Z0-9_:]*";
        throw new MetricDefinitionException(
            string.Create(CultureInfo.InvariantCulture, $"Invalid metric name '{name}': {rule}."),
            nameof(name));
    }

    /// <summary>Throws a <see cref="MetricDefinitionException"/> naming the metric and label when the label name is not valid.</summary>
    public static void ValidateLabelName(string metricName, string? labelName) =>
        ValidateLabelName(metricName, labelName, NameValidation.Legacy);

    /// <summary>
    /// Throws a <see cref="MetricDefinitionException"/> naming the metric and label when the label name is not valid
    /// under <paramref name="validation"/>.
    /// </summary>
    public static void ValidateLabelName(string metricName, string? labelName, NameValidation validation)
    {
        if (labelName is not null && labelName.StartsWith("__", StringComparison.Ordinal))
        {
            throw new MetricDefinitionException(
                $"Invalid label name '{labelName}' on metric '{metricName}': names starting with '__' are reserved.",
                nameof(labelName));
        }

        if (!IsValidLabelName(labelName, validation))
        {
            var rule = validation == NameValidation.Utf8
                ? Utf8Rule(labelName)
                : "it must match [a-zA-Z_][a-zA-Z0-9_]*";
            throw new MetricDefinitionException(
                $"Invalid label name '{labelName}' on metric '{metricName}': {rule}.",
                nameof(labelName));
        }
    }

    /// <summary>The index of the first unpaired UTF-16 surrogate in <paramref name="name"/>, or -1.</summary>
    private static int UnpairedSurrogate(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Utf8Rule(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it must not be empty";
        }

        var at = UnpairedSurrogate(name);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"it holds an unpaired UTF-16 surrogate (U+{(int)name[at]:X4} at index {at}), which has no UTF-8 encoding");
    }
}
