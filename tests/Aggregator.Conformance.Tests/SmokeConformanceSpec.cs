using Aggregator.Conformance.Tests.Tools;
using Aggregator.Metrics;
using Aggregator.Metrics.Exposition;
using System.Buffers;
using System.Text;

namespace Aggregator.Conformance.Tests;

public sealed class SmokeConformanceSpec
{
    [Fact]
    public void Counter_passes_promtool_and_python()
    {
        var registry = new WorkerRegistry();
        registry.Counter("jobs_total", "Jobs", "queue").WithLabels("a\"b\\c\nd").Inc(3);
        var text = Render(registry.Collect(), ExpositionFormat.Text);
        var om = Render(registry.Collect(), ExpositionFormat.OpenMetrics);
        Promtool.AssertClean(text);
        var families = PythonParser.Parse(om, openMetrics: true);
        var family = Assert.Single(families);
        Assert.Equal("jobs", family.Name);
        Assert.Equal("counter", family.Type);
        var total = family.Samples.Single(s => s.Name == "jobs_total");
        Assert.Equal("3.0", total.Value);
        Assert.Equal("a\"b\\c\nd", total.Labels["queue"]);
    }

    private static string Render(MetricsSnapshot snapshot, ExpositionFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ExpositionWriter.Write(snapshot, format, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
