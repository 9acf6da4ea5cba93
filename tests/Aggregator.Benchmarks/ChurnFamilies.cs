using Aggregator.Metrics;

namespace Aggregator.Benchmarks;

/// <summary>The two families every short-lived worker of the churn runner records once: a job counter and a duration histogram.</summary>
internal static class ChurnFamilies
{
    /// <summary>The counter's family name as a snapshot holds it (without <c>_total</c>).</summary>
    public const string Jobs = "churn_jobs";

    /// <summary>The histogram's family name.</summary>
    public const string JobSeconds = "churn_job_seconds";

    /// <summary>Counts one job and observes its (made-up) duration in <paramref name="registry"/>.</summary>
    public static void Record(WorkerRegistry registry, long job)
    {
        registry.Counter(Jobs + "_total", "Jobs run by short-lived workers.").Inc();
        registry.Histogram(JobSeconds, "Durations of the jobs.").Observe(0.001 * (job % 1000));
    }
}
