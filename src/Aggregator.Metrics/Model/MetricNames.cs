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
    public static bool IsValidLabelName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.StartsWith("__", StringComparison.Ordinal))
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

    /// <summary>Throws a <see cref="MetricDefinitionException"/> naming <paramref name="name"/> when it is not a valid metric name.</summary>
    public static void ValidateMetricName(string? name)
    {
        if (!IsValidMetricName(name))
        {
            throw new MetricDefinitionException(
                string.Create(CultureInfo.InvariantCulture, $"Invalid metric name '{name}': it must match [a-zA-Z_:][a-zA-Z0-9_:]*."),
                nameof(name));
        }
    }

    /// <summary>Throws a <see cref="MetricDefinitionException"/> naming the metric and label when the label name is not valid.</summary>
    public static void ValidateLabelName(string metricName, string? labelName)
    {
        if (labelName is not null && labelName.StartsWith("__", StringComparison.Ordinal))
        {
            throw new MetricDefinitionException(
                $"Invalid label name '{labelName}' on metric '{metricName}': names starting with '__' are reserved.",
                nameof(labelName));
        }

        if (!IsValidLabelName(labelName))
        {
            throw new MetricDefinitionException(
                $"Invalid label name '{labelName}' on metric '{metricName}': it must match [a-zA-Z_][a-zA-Z0-9_]*.",
                nameof(labelName));
        }
    }
}
