namespace Aggregator.Metrics.Exposition;

/// <summary>The exposition formats.</summary>
public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4: <c>text/plain; version=0.0.4; charset=utf-8</c>.</summary>
    Text,

    /// <summary>OpenMetrics 1.0.0: <c>application/openmetrics-text; version=1.0.0; charset=utf-8</c>.</summary>
    OpenMetrics,

    /// <summary>
    /// Prometheus' protobuf format: length-delimited <c>io.prometheus.client.MetricFamily</c> messages, the only one
    /// that carries native histograms.
    /// </summary>
    Protobuf,
}
