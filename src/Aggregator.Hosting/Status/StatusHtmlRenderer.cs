using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Aggregator.Hosting.Status;

/// <summary>
/// Renders a <see cref="StatusReport"/> as one self-contained HTML page: inline CSS, an inline SVG sparkline, no
/// external assets, and no script needed (the one inline script only reloads the page). Every name, label, value and
/// message goes through <see cref="HtmlEncoder"/>: family names, label values and source names come from user code.
/// </summary>
internal static class StatusHtmlRenderer
{
    private const int SparklineWidth = 240;
    private const int SparklineHeight = 36;

    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
        h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid #ccc}
        table{border-collapse:collapse;margin:.3em 0 .8em;background:#fff}
        th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
        th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}
        .up{color:#176b2c;font-weight:600}.down{color:#b3261e;font-weight:600}
        .error{background:#fde7e5;border:1px solid #b3261e;padding:.5em}
        .muted{color:#666}code{font-size:.95em}summary{cursor:pointer;margin:.3em 0}
        form{margin:.4em 0}svg{vertical-align:middle;background:#fff;border:1px solid #ddd}
        td.labels{max-width:30em}.example,.help{max-width:30em;overflow-wrap:anywhere}
        """;

    public static string Render(StatusReport report, StatusPageOptions options, string? filter, string jsonPath, string nonce)
    {
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Aggregator status</title><style nonce=\"").Append(nonce).Append("\">").Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>Aggregator status</h1><p class=\"muted\">Scope: <b id=\"scope\">").Append(E(report.Scope))
            .Append("</b> · generated ").Append(E(Time(report.GeneratedAt)))
            .Append(" · <a href=\"").Append(E(jsonPath)).Append("\">JSON</a></p>\n");
        if (report.CollectionError is { } error)
        {
            html.Append("<p class=\"error\" id=\"collection-error\">The collection for this page failed: ").Append(E(error)).Append("</p>\n");
        }

        Levels(html, report);
        Nodes(html, report, options, filter);
        Cardinality(html, report.Cardinality, options, filter);
        Conflicts(html, report);
        Configuration(html, report);
        if (options.AutoRefresh > TimeSpan.Zero)
        {
            // Reloads unless the reader is typing a filter; without scripts the page is the same, only static.
            html.Append("<script nonce=\"").Append(nonce).Append("\">setTimeout(function(){var f=document.activeElement;if(!f||f.name!=='filter')location.reload();},")
                .Append(((long)options.AutoRefresh.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append(");</script>\n");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Levels(StringBuilder html, StatusReport report)
    {
        html.Append("<h2 id=\"collections\">Last collections</h2>\n<table id=\"levels\"><tr><th>Level</th><th>Completed</th><th>Duration</th><th>Sources up</th><th>Sources down</th><th>Last collections' durations</th></tr>\n");
        foreach (var level in report.Levels)
        {
            html.Append("<tr data-level=\"").Append(E(level.Level)).Append("\"><td>").Append(E(level.Level)).Append("</td><td>")
                .Append(level.CompletedAt is { } at ? E(Time(at)) : "<span class=\"muted\">no collection yet</span>").Append("</td><td class=\"n\">")
                .Append(E(Seconds(level.DurationSeconds))).Append("</td><td class=\"n\">").Append(level.SourcesUp.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"n\">").Append(level.SourcesDown.ToString(CultureInfo.InvariantCulture)).Append("</td><td>");
            Sparkline(html, level.DurationHistorySeconds);
            html.Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Sparkline(StringBuilder html, IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            html.Append("<span class=\"muted\">none yet</span>");
            return;
        }

        var max = values.Max();
        var scale = max > 0 ? (SparklineHeight - 4) / max : 0;
        var step = values.Count > 1 ? (double)SparklineWidth / (values.Count - 1) : 0;
        html.Append(CultureInfo.InvariantCulture, $"<svg class=\"sparkline\" width=\"{SparklineWidth}\" height=\"{SparklineHeight}\" viewBox=\"0 0 {SparklineWidth} {SparklineHeight}\" role=\"img\" aria-label=\"collection durations\">")
            .Append("<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"1.5\" points=\"");
        for (var i = 0; i < values.Count; i++)
        {
            html.Append(CultureInfo.InvariantCulture, $"{i * step:0.#},{SparklineHeight - 2 - (values[i] * scale):0.#} ");
        }

        html.Append("\"/></svg> <span class=\"muted\">")
            .Append(values.Count.ToString(CultureInfo.InvariantCulture)).Append(" collections, max ").Append(E(Seconds(max))).Append("</span>");
    }

    private static void Nodes(StringBuilder html, StatusReport report, StatusPageOptions options, string? filter)
    {
        html.Append("<h2 id=\"nodes-heading\">Nodes and workers</h2>\n<form method=\"get\"><label>Filter workers and sources: <input name=\"filter\" value=\"")
            .Append(E(filter ?? string.Empty)).Append("\"></label> <button type=\"submit\">Filter</button></form>\n");
        html.Append("<table id=\"nodes\"><tr><th>Node</th><th>State</th><th>Answer time</th><th>Counters from retained state</th><th>Series</th><th>Workers</th></tr>\n");
        foreach (var node in report.Nodes)
        {
            html.Append("<tr class=\"node\" data-node=\"").Append(E(node.Name)).Append("\" data-state=\"").Append(State(node.Up)).Append("\"><td>").Append(E(node.Name))
                .Append(node.Local ? " <span class=\"muted\">(this node)</span>" : string.Empty).Append("</td><td class=\"").Append(State(node.Up)).Append("\">").Append(State(node.Up))
                .Append("</td><td class=\"n\">").Append(E(Seconds(node.AnswerSeconds))).Append("</td><td>").Append(node.Retained ? "yes" : "no")
                .Append("</td><td class=\"n\">").Append(E(Count(node.Series))).Append("</td><td>")
                .Append(node.WorkersKnown ? E(UpDown(node.Workers.Count(w => w.Up), node.Workers.Count(w => !w.Up))) : "<span class=\"muted\">unknown: no answer</span>")
                .Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        foreach (var node in report.Nodes.Where(n => n.WorkersKnown))
        {
            var shown = node.Workers.Where(w => Matches(w.Name, filter)).ToList();
            var open = filter is not null || node.Workers.Count <= options.CollapseAbove ? " open" : string.Empty;
            html.Append("<details class=\"workers\" data-node=\"").Append(E(node.Name)).Append('"').Append(open).Append("><summary>Workers of ").Append(E(node.Name)).Append(": ")
                .Append(E(UpDown(node.Workers.Count(w => w.Up), node.Workers.Count(w => !w.Up))));
            if (filter is not null)
            {
                html.Append(CultureInfo.InvariantCulture, $", {shown.Count} match the filter");
            }

            html.Append("</summary>\n<table><tr><th>Worker</th><th>State</th><th>Answer time</th><th>Counters from retained state</th><th>Series</th></tr>\n");
            foreach (var worker in shown)
            {
                html.Append("<tr class=\"worker\" data-worker=\"").Append(E(worker.Name)).Append("\" data-state=\"").Append(State(worker.Up)).Append("\"><td>").Append(E(worker.Name))
                    .Append("</td><td class=\"").Append(State(worker.Up)).Append("\">").Append(State(worker.Up)).Append("</td><td class=\"n\">").Append(E(Seconds(worker.AnswerSeconds)))
                    .Append("</td><td>").Append(worker.Retained ? "yes" : "no").Append("</td><td class=\"n\">").Append(E(Count(worker.Series))).Append("</td></tr>\n");
            }

            html.Append("</table></details>\n");
        }
    }

    private static void Cardinality(StringBuilder html, CardinalityStatus cardinality, StatusPageOptions options, string? filter)
    {
        html.Append("<h2 id=\"cardinality-heading\">Cardinality</h2>\n<p>Merged: <b id=\"merged-series\">").Append(cardinality.MergedSeries.ToString(CultureInfo.InvariantCulture))
            .Append("</b> series (label sets) in <b>").Append(cardinality.FamilyCount.ToString(CultureInfo.InvariantCulture)).Append("</b> families.</p>\n");
        html.Append("<table id=\"families\"><tr><th>Family</th><th>Type</th><th>Merged series</th><th>Labels (distinct values)</th><th>Series per source</th></tr>\n");
        foreach (var family in cardinality.TopFamilies)
        {
            var sources = family.Sources.Where(s => Matches(s.Source, filter)).ToList();
            html.Append("<tr class=\"family\" data-family=\"").Append(E(family.Family)).Append("\"><td><code>").Append(E(family.Family)).Append("</code><div class=\"help muted\">")
                .Append(E(family.Help)).Append("</div></td><td>").Append(E(family.Type))
                .Append("</td><td class=\"n merged\">").Append(family.MergedSeries.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"labels\">")
                .Append(E(string.Join(", ", family.Labels.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Label} ({l.Values})"))))).Append("<div class=\"example muted\">")
                .Append(family.Example is null ? string.Empty : E("e.g. {" + family.Example + "}")).Append("</div></td><td><details")
                .Append(sources.Count <= options.CollapseAbove / 4 ? " open" : string.Empty).Append("><summary>")
                .Append(family.Sources.Count.ToString(CultureInfo.InvariantCulture)).Append(" sources</summary><table>");
            foreach (var source in sources)
            {
                html.Append("<tr class=\"family-source\" data-source=\"").Append(E(source.Source)).Append("\"><td>").Append(E(source.Source)).Append("</td><td>").Append(E(source.Level)).Append("</td><td class=\"n series\">")
                    .Append(source.Series.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
            }

            html.Append("</table></details></td></tr>\n");
        }

        html.Append("</table>\n");

        var shown = cardinality.Sources.Where(s => Matches(s.Source, filter)).ToList();
        html.Append("<details id=\"sources\"").Append(filter is not null || cardinality.Sources.Count <= options.CollapseAbove ? " open" : string.Empty)
            .Append("><summary>Series per source: ").Append(cardinality.Sources.Count.ToString(CultureInfo.InvariantCulture)).Append(" sources</summary>\n<table><tr><th>Source</th><th>Level</th><th>Series</th></tr>\n");
        foreach (var source in shown)
        {
            html.Append("<tr class=\"source\" data-source=\"").Append(E(source.Source)).Append("\"><td>").Append(E(source.Source)).Append("</td><td>").Append(E(source.Level))
                .Append("</td><td class=\"n\">").Append(source.Series.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }

        html.Append("</table></details>\n<h3>Series dropped by the per-family cap</h3>\n");
        if (cardinality.Dropped.Count == 0)
        {
            html.Append("<p id=\"dropped\">None.</p>\n");
            return;
        }

        html.Append("<table id=\"dropped\"><tr><th>Family</th><th>Series dropped</th></tr>\n");
        foreach (var dropped in cardinality.Dropped)
        {
            html.Append("<tr data-family=\"").Append(E(dropped.Family)).Append("\"><td><code>").Append(E(dropped.Family)).Append("</code></td><td class=\"n\">")
                .Append(dropped.Count.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Conflicts(StringBuilder html, StatusReport report)
    {
        html.Append("<h2 id=\"conflicts-heading\">Merge conflicts</h2>\n");
        if (report.Conflicts.Count == 0)
        {
            html.Append("<p id=\"conflicts\">None in the last merges.</p>\n");
            return;
        }

        html.Append("<table id=\"conflicts\"><tr><th>Level</th><th>Family</th><th>Reason</th><th>Sources left out</th><th>Logged warning</th></tr>\n");
        foreach (var conflict in report.Conflicts)
        {
            html.Append("<tr class=\"conflict\"><td>").Append(E(conflict.Level)).Append("</td><td><code>").Append(E(conflict.Family)).Append("</code></td><td>").Append(E(conflict.Reason))
                .Append("</td><td>").Append(E(string.Join(", ", conflict.Sources))).Append("</td><td class=\"warning\">").Append(E(conflict.Text)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Configuration(StringBuilder html, StatusReport report)
    {
        html.Append("<h2 id=\"configuration-heading\">Configuration in force</h2>\n");
        foreach (var section in report.Configuration)
        {
            html.Append("<h3>").Append(E(section.Name)).Append("</h3>\n<table class=\"configuration\">");
            foreach (var (key, value) in section.Settings)
            {
                html.Append("<tr data-key=\"").Append(E(key)).Append("\"><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
            }

            html.Append("</table>\n");
        }
    }

    private static bool Matches(string name, string? filter) => filter is null || name.Contains(filter, StringComparison.OrdinalIgnoreCase);

    private static string E(string text) => HtmlEncoder.Default.Encode(text);

    private static string State(bool up) => up ? "up" : "down";

    private static string UpDown(int up, int down) => string.Create(CultureInfo.InvariantCulture, $"{up + down} ({up} up, {down} down)");

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    private static string Seconds(double? seconds) => seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s * 1000:0.0} ms") : "–";

    private static string Count(int? count) => count is { } c ? c.ToString(CultureInfo.InvariantCulture) : "–";
}
