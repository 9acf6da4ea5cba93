using Aggregator.Actors.Collection;
using Aggregator.Actors.Reports;
using Aggregator.Metrics;
using Aggregator.Metrics.Merging;

namespace Aggregator.Actors.Tests.Collection;

/// <summary>The published last collection: recorded only when enabled, its duration history bounded to the last 60.</summary>
public sealed class CollectionReportsSpec
{
    [Fact]
    public void Nothing_is_recorded_until_enabled_then_sources_carry_state_answer_time_and_retained_flag()
    {
        var reports = new CollectionReports();
        var completed = new CompletedCollection(
            new object(),
            [new AnsweredTarget(new FanOutTarget("/user/a", "akka://s/user/a", null), MetricsSnapshot.Empty) { AnsweredAfter = TimeSpan.FromMilliseconds(3) }],
            [new FanOutTarget("/user/b", "akka://s/user/b", null), new FanOutTarget("/user/c", "akka://s/user/c", null)],
            TimeSpan.FromMilliseconds(40));
        var merged = new MergeResult(MetricsSnapshot.Empty, []);

        reports.Record("worker", completed, merged, name => name == "/user/b");
        Assert.Null(reports.Last);
        Assert.Empty(reports.Durations);

        reports.Enabled = true;
        reports.Record("worker", completed, merged, name => name == "/user/b");

        var last = reports.Last!;
        Assert.Equal("worker", last.Level);
        Assert.Equal(TimeSpan.FromMilliseconds(40), last.Duration);
        Assert.Equal(
            ["akka://s/user/a up 3 retained=False", "akka://s/user/b down - retained=True", "akka://s/user/c down - retained=False"],
            last.Sources.Select(s => $"{s.Name} {(s.Up ? "up" : "down")} {s.AnsweredAfter?.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} retained={s.Retained}"));
        Assert.Equal([TimeSpan.FromMilliseconds(40)], reports.Durations);
    }

    [Fact]
    public void The_history_keeps_the_last_60_durations_oldest_first()
    {
        var reports = new CollectionReports { Enabled = true };
        for (var i = 1; i <= 65; i++)
        {
            reports.Record(new CollectionReport("node", DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(i), [], MetricsSnapshot.Empty, []));
        }

        Assert.Equal(Enumerable.Range(6, 60).Select(i => TimeSpan.FromMilliseconds(i)), reports.Durations);
        Assert.Equal(TimeSpan.FromMilliseconds(65), reports.Last!.Duration);
    }
}
