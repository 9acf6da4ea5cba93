using Aggregator.Conformance.Tests.Conformance;
using Aggregator.Metrics;
using static Aggregator.Conformance.Tests.Conformance.Expect;

namespace Aggregator.Conformance.Tests;

/// <summary>
/// Every metric type and option, written by the library in both formats and read back by the real tools: promtool
/// must be silent on the text format, and Python's text and strict OpenMetrics parsers must return exactly the samples
/// that were recorded (see <see cref="ExpositionCheck"/>).
/// </summary>
public sealed class ExpositionConformanceSpec
{
    // 2023-11-14T22:13:20.250Z: "_created" of a series made at T0 is 1700000000.25.
    private const long T0 = 1_700_000_000_250;
    private const double T0Seconds = 1_700_000_000.25;

    private static readonly string[] DefaultLes = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Counters_declared_with_and_without_total(bool shared)
    {
        var (registry, clock) = NewRegistry(shared);
        var processed = registry.Counter("jobs_processed_total", "Jobs processed, by queue.", "queue");
        processed.WithLabels("fast").Inc();
        processed.WithLabels("fast").Inc(2.5);
        clock.Advance(1_500);
        processed.WithLabels("slow");
        registry.Inc("jobs_processed_total", 4, "slow");

        var hits = registry.Counter("cache_hits", "Cache hits.");
        hits.Inc(7);
        registry.Counter("cache_hits_total", "Cache hits.").Inc();
        registry.Inc("cache_hits");

        var sent = registry.Counter("sent_bytes_total", "Bytes sent, by peer.", "peer");
        sent.WithLabels("huge").Inc(1e20);
        sent.WithLabels("infinite").Inc(double.PositiveInfinity);
        sent.WithLabels("tiny").Inc(1e-05);
        sent.WithLabels("zero").Inc(0);

        var t1 = clock.Seconds;
        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Counter("cache_hits", "Cache hits.", Value(9) with { Created = t1 }),
            Counter(
                "jobs_processed",
                "Jobs processed, by queue.",
                Value(3.5, ("queue", "fast")) with { Created = T0Seconds },
                Value(4, ("queue", "slow")) with { Created = t1 }),
            Counter(
                "sent_bytes",
                "Bytes sent, by peer.",
                Value(1e20, ("peer", "huge")) with { Created = t1 },
                Value(double.PositiveInfinity, ("peer", "infinite")) with { Created = t1 },
                Value(1e-05, ("peer", "tiny")) with { Created = t1 },
                Value(0, ("peer", "zero")) with { Created = t1 }),
        ]);

        // The family is named without _total in OpenMetrics and with it in the text format.
        Assert.Contains("# TYPE jobs_processed counter\n", rendered.OpenMetrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE jobs_processed_total counter\n", rendered.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Gauges_with_special_values_under_every_merge_policy(bool shared)
    {
        var (registry, _) = NewRegistry(shared);
        (string Case, double Value)[] values =
        [
            ("a_positive_infinity", double.PositiveInfinity),
            ("b_negative_infinity", double.NegativeInfinity),
            ("c_nan", double.NaN),
            ("d_negative_zero", -0.0),
            ("e_1e20", 1e+20),
            ("f_1e-05", 1e-05),
            ("g_zero", 0),
            ("h_negative", -1.5),
            ("i_max", double.MaxValue),
            ("j_min", double.MinValue),
            ("k_epsilon", double.Epsilon),
            ("l_integer", 42),
            ("m_third", 1.0 / 3),
        ];

        var expected = new List<ExpectedFamily>();
        foreach (var policy in Enum.GetValues<GaugeMergePolicy>())
        {
            var name = $"level_with_{policy.ToString().ToLowerInvariant()}_policy";
            var help = $"A gauge merged by {policy}.";
            var gauge = registry.Gauge(name, new MetricOptions { Help = help, LabelNames = ["case"], GaugePolicy = policy });
            foreach (var (label, value) in values)
            {
                gauge.WithLabels(label).Set(value);
            }

            // A most-recent gauge records update times for merging, but only a timestamped family shows them.
            expected.Add(Gauge(name, help, [.. values.Select(v => Value(v.Value, ("case", v.Case)))]));
        }

        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [.. expected.OrderBy(f => f.Name, StringComparer.Ordinal)]);
        Assert.Contains("level_with_max_policy{case=\"d_negative_zero\"} -0.0\n", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("level_with_max_policy{case=\"e_1e20\"} 1e+20\n", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("level_with_max_policy{case=\"f_1e-05\"} 1e-05\n", rendered.OpenMetrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gauge_operations_by_handle_and_by_name()
    {
        var (registry, clock) = NewRegistry();
        var depth = registry.Gauge("queue_depth", "Items waiting, by queue.", "queue");
        depth.WithLabels("a").Inc();
        depth.WithLabels("a").Inc(2);
        depth.WithLabels("a").Dec(0.5);
        registry.Set("queue_depth", 10, "b");
        registry.Dec("queue_depth", "b");
        registry.Inc("queue_depth", 0.25, "b");
        depth.WithLabels("c").Dec();

        var lastRun = registry.Gauge("last_run_timestamp_seconds", "When the last run started.");
        clock.Advance(1_001);
        lastRun.Unlabelled.SetToCurrentTime();
        registry.Gauge("temperature_celsius", "Temperature.").Set(-12.75);

        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Gauge("last_run_timestamp_seconds", "When the last run started.", Value(1_700_000_001.251)),
            Gauge("queue_depth", "Items waiting, by queue.", Value(2.5, ("queue", "a")), Value(9.25, ("queue", "b")), Value(-1, ("queue", "c"))),
            Gauge("temperature_celsius", "Temperature.", Value(-12.75)),
        ]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Histogram_with_default_buckets(bool shared)
    {
        var (registry, _) = NewRegistry(shared);
        var duration = registry.Histogram("request_duration_seconds", "Request duration.");
        foreach (var value in new[] { 0.003, 0.01, 0.2, 1, 7, 100 })
        {
            duration.Observe(value);
        }

        registry.Observe("request_duration_seconds", 0.05);

        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Histogram(
                "request_duration_seconds",
                "Request duration.",
                Histogram(DefaultLes, [1, 2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 7], 0.003 + 0.01 + 0.2 + 1 + 7 + 100 + 0.05) with { Created = T0Seconds }),
        ]);
    }

    [Fact]
    public async Task Histogram_with_linear_buckets_and_labels()
    {
        var (registry, clock) = NewRegistry();
        var bounds = Buckets.Linear(0, 0.1, 4);
        Assert.Equal([0, 0.1, 0.2, 0.30000000000000004], bounds);
        var ratio = registry.Histogram("cache_fill_ratio", new MetricOptions { Help = "Cache fill ratio.", LabelNames = ["cache"], Buckets = bounds });
        foreach (var value in new[] { 0, 0.1, 0.3, 5 })
        {
            ratio.WithLabels("main").Observe(value);
        }

        clock.Advance(60_000);
        ratio.WithLabels("backup").Observe(0.15);

        string[] les = ["0.0", "0.1", "0.2", "0.30000000000000004", "+Inf"];
        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Histogram(
                "cache_fill_ratio",
                "Cache fill ratio.",
                Histogram(les, [0, 0, 1, 1, 1], 0.15, ("cache", "backup")) with { Created = T0Seconds + 60 },
                Histogram(les, [1, 2, 2, 3, 4], 0 + 0.1 + 0.3 + 5, ("cache", "main")) with { Created = T0Seconds }),
        ]);
    }

    [Fact]
    public async Task Histograms_with_exponential_buckets()
    {
        var (registry, _) = NewRegistry();
        var size = registry.Histogram("document_size_bytes", new MetricOptions { Help = "Document sizes.", Buckets = Buckets.Exponential(1, 10, 21) });
        size.Observe(5);
        size.Observe(1e18);
        size.Observe(1e25);
        var error = registry.Histogram("fit_error_ratio", new MetricOptions { Help = "Fit errors.", Buckets = Buckets.Exponential(1e-05, 10, 3) });
        error.Observe(0.00005);
        error.Observe(0.001);

        // Whole numbers get ".0"; from 1e17 on .NET's shortest round-trip form is an exponent, written lower-case.
        string[] sizeLes =
        [
            "1.0", "10.0", "100.0", "1000.0", "10000.0", "100000.0", "1000000.0", "10000000.0", "100000000.0", "1000000000.0",
            "10000000000.0", "100000000000.0", "1000000000000.0", "10000000000000.0", "100000000000000.0",
            "1000000000000000.0", "10000000000000000.0", "1e+17", "1e+18", "1e+19", "1e+20", "+Inf",
        ];
        long[] sizeCounts = [0, .. Enumerable.Repeat(1L, 17), 2, 2, 2, 3];
        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Histogram("document_size_bytes", "Document sizes.", Histogram(sizeLes, sizeCounts, 5 + 1e18 + 1e25) with { Created = T0Seconds }),
            Histogram("fit_error_ratio", "Fit errors.", Histogram(["1e-05", "0.0001", "0.001", "+Inf"], [0, 1, 2, 2], 0.00005 + 0.001) with { Created = T0Seconds }),
        ]);
    }

    [Fact]
    public async Task Histogram_with_a_negative_bucket_bound_has_no_sum_or_count_in_OpenMetrics()
    {
        var (registry, _) = NewRegistry();
        var delta = registry.Histogram("temperature_delta_celsius", new MetricOptions { Help = "Temperature change.", Buckets = Buckets.Linear(-1, 0.5, 5) });
        delta.Observe(-2);
        delta.Observe(0.25);
        delta.Observe(3);

        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Histogram(
                "temperature_delta_celsius",
                "Temperature change.",
                Histogram(["-1.0", "-0.5", "0.0", "0.5", "1.0", "+Inf"], [1, 1, 1, 2, 2, 3], 1.25) with { Created = T0Seconds }),
        ]);

        // The sum (1.25) is positive, but a histogram with negative buckets may not have one in OpenMetrics.
        Assert.Empty(rendered.OpenMetricsLines("temperature_delta_celsius_sum"));
        Assert.Empty(rendered.OpenMetricsLines("temperature_delta_celsius_count"));
        Assert.Equal(["temperature_delta_celsius_created 1700000000.25"], rendered.OpenMetricsLines("temperature_delta_celsius_created"));
        Assert.Equal(["temperature_delta_celsius_count 3"], rendered.TextLines("temperature_delta_celsius_count"));
        Assert.Equal(["temperature_delta_celsius_sum 1.25"], rendered.TextLines("temperature_delta_celsius_sum"));
    }

    [Fact]
    public async Task Histogram_with_negative_observations_has_no_negative_sum_in_OpenMetrics()
    {
        var (registry, _) = NewRegistry();
        var change = registry.Histogram("balance_change_dollars", "Balance changes.", "account");
        change.WithLabels("loss").Observe(-3);
        change.WithLabels("loss").Observe(1);
        change.WithLabels("gain").Observe(-1);
        change.WithLabels("gain").Observe(5);

        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Histogram(
                "balance_change_dollars",
                "Balance changes.",
                Histogram(DefaultLes, [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2], 4, ("account", "gain")) with { Created = T0Seconds },
                Histogram(DefaultLes, [1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2], -2, ("account", "loss")) with { Created = T0Seconds }),
        ]);

        Assert.Equal(["balance_change_dollars_sum{account=\"gain\"} 4"], rendered.OpenMetricsLines("balance_change_dollars_sum"));
        Assert.Equal(["balance_change_dollars_count{account=\"gain\"} 2"], rendered.OpenMetricsLines("balance_change_dollars_count"));
        Assert.Equal(
            ["balance_change_dollars_sum{account=\"gain\"} 4", "balance_change_dollars_sum{account=\"loss\"} -2"],
            rendered.TextLines("balance_change_dollars_sum"));
    }

    [Fact]
    public async Task Histogram_with_NaN_and_infinite_observations()
    {
        var (registry, _) = NewRegistry();
        var h = registry.Histogram("odd_input_ratio", "Odd inputs.", "case");
        h.WithLabels("nan").Observe(double.NaN);
        h.WithLabels("nan").Observe(1);
        h.WithLabels("positive_infinity").Observe(double.PositiveInfinity);
        h.WithLabels("negative_infinity").Observe(double.NegativeInfinity);

        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Histogram(
                "odd_input_ratio",
                "Odd inputs.",
                Histogram(DefaultLes, [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2], double.NaN, ("case", "nan")) with { Created = T0Seconds },
                Histogram(DefaultLes, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], double.NegativeInfinity, ("case", "negative_infinity")) with { Created = T0Seconds },
                Histogram(DefaultLes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], double.PositiveInfinity, ("case", "positive_infinity")) with { Created = T0Seconds }),
        ]);

        // NaN lands in +Inf and makes the sum NaN; OpenMetrics then has neither _sum nor _count. +Inf is a valid sum.
        Assert.Equal(["odd_input_ratio_sum{case=\"positive_infinity\"} +Inf"], rendered.OpenMetricsLines("odd_input_ratio_sum"));
        Assert.Equal(
            ["odd_input_ratio_sum{case=\"nan\"} NaN", "odd_input_ratio_sum{case=\"negative_infinity\"} -Inf", "odd_input_ratio_sum{case=\"positive_infinity\"} +Inf"],
            rendered.TextLines("odd_input_ratio_sum"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Summaries_including_negative_and_NaN_sums(bool shared)
    {
        var (registry, clock) = NewRegistry(shared);
        registry.Summary("batch_duration_seconds", "Batch duration.");
        clock.Advance(250);
        var size = registry.Summary("job_size_bytes", "Job sizes.", "kind");
        size.WithLabels("mixed").Observe(1);
        size.WithLabels("mixed").Observe(2.5);
        size.WithLabels("negative").Observe(-4);
        registry.Observe("job_size_bytes", 1, "negative");
        size.WithLabels("nan").Observe(double.NaN);

        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Summary("batch_duration_seconds", "Batch duration.", Summary(0, 0) with { Created = T0Seconds }),
            Summary(
                "job_size_bytes",
                "Job sizes.",
                Summary(2, 3.5, ("kind", "mixed")) with { Created = T0Seconds + 0.25 },
                Summary(1, double.NaN, ("kind", "nan")) with { Created = T0Seconds + 0.25 },
                Summary(2, -3, ("kind", "negative")) with { Created = T0Seconds + 0.25 }),
        ]);

        // A summary's _sum is a counter in OpenMetrics: left out when negative or NaN; _count stays.
        Assert.Equal(["job_size_bytes_sum{kind=\"mixed\"} 3.5"], rendered.OpenMetricsLines("job_size_bytes_sum"));
        Assert.Equal(3, rendered.OpenMetricsLines("job_size_bytes_count").Count);
    }

    [Fact]
    public async Task Info_metrics()
    {
        var (registry, _) = NewRegistry();
        var build = registry.Info("build", "Build information.", "version", "commit");
        build.Set("1.2.3", "abc");
        build.Set("1.2.4", "0123");
        registry.Info("runtime_info", "Runtime information.", "framework");
        registry.SetInfo("runtime_info", ".NET 10");

        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Info("build", "Build information.", Value(1, ("version", "1.2.4"), ("commit", "0123"))),
            Info("runtime", "Runtime information.", Value(1, ("framework", ".NET 10"))),
        ]);

        Assert.Contains("# TYPE build info\n", rendered.OpenMetrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE build_info gauge\n", rendered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespaces_global_and_per_metric()
    {
        var (registry, _) = NewRegistry(options: new MetricsOptions { Namespace = "shop" });
        registry.Counter("orders_total", "Orders.").Inc(3);
        registry.Inc("orders_total");
        registry.Gauge("stock_items", new MetricOptions { Help = "Items in stock.", Namespace = "warehouse" }).Set(12);
        registry.Gauge("uptime_seconds", new MetricOptions { Help = "Uptime.", Namespace = string.Empty }).Set(5);
        registry.Histogram("checkout_seconds", new MetricOptions { Help = "Checkout time.", Buckets = [1] }).Observe(0.5);
        registry.Summary("basket_items", "Items per basket.").Observe(4);
        registry.Info("build", "Build.", "version").Set("7");

        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Summary("shop_basket_items", "Items per basket.", Summary(1, 4) with { Created = T0Seconds }),
            Info("shop_build", "Build.", Value(1, ("version", "7"))),
            Histogram("shop_checkout_seconds", "Checkout time.", Histogram(["1.0", "+Inf"], [1, 1], 0.5) with { Created = T0Seconds }),
            Counter("shop_orders", "Orders.", Value(4) with { Created = T0Seconds }),
            Gauge("uptime_seconds", "Uptime.", Value(5)),
            Gauge("warehouse_stock_items", "Items in stock.", Value(12)),
        ]);
    }

    [Fact]
    public async Task Name_callback_with_namespace()
    {
        var options = new MetricsOptions
        {
            Namespace = "app",
            NameCallback = (type, name) => type switch
            {
                MetricType.Counter => "svc_" + name,
                MetricType.Gauge => name + "_current",
                MetricType.Histogram => name + "_seconds",
                _ => name,
            },
        };
        var (registry, _) = NewRegistry(options: options);
        registry.Counter("requests", "Requests.", "code");
        registry.Inc("requests", "200");
        registry.Inc("requests", 2, "500");
        registry.Gauge("workers", "Workers.");
        registry.Set("workers", 8);
        registry.Histogram("latency", new MetricOptions { Help = "Latency.", Buckets = [0.5] });
        registry.Observe("latency", 0.25);
        registry.Summary("payload", "Payloads.");
        registry.Observe("payload", 100);
        registry.Info("version", "Version.", "release");
        registry.SetInfo("version", "2024.1");

        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Histogram("app_latency_seconds", "Latency.", Histogram(["0.5", "+Inf"], [1, 1], 0.25) with { Created = T0Seconds }),
            Summary("app_payload", "Payloads.", Summary(1, 100) with { Created = T0Seconds }),
            Counter("app_svc_requests", "Requests.", Value(1, ("code", "200")) with { Created = T0Seconds }, Value(2, ("code", "500")) with { Created = T0Seconds }),
            Info("app_version", "Version.", Value(1, ("release", "2024.1"))),
            Gauge("app_workers_current", "Workers.", Value(8)),
        ]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Timestamped_metrics_in_milliseconds_and_seconds(bool shared)
    {
        const long t = 1_700_000_000_000;
        var (registry, clock) = NewRegistry(shared, start: t);
        var stamped = new MetricOptions { Timestamped = true };
        var events = registry.Counter("events_total", stamped with { Help = "Events.", LabelNames = ["kind"] });
        var level = registry.Gauge("water_level_meters", stamped with { Help = "Water level.", LabelNames = ["tank"] });
        var wait = registry.Histogram("wait_seconds", stamped with { Help = "Waits.", Buckets = [1] });
        var size = registry.Summary("message_size_bytes", stamped with { Help = "Message sizes." });
        var host = registry.Info("host", stamped with { Help = "Host.", LabelNames = ["name"] });

        events.WithLabels("a").Inc();
        clock.EpochMilliseconds = t + 1;
        level.WithLabels("north").Set(3);
        level.WithLabels("idle");
        clock.EpochMilliseconds = t + 10;
        events.WithLabels("b").Inc(2);
        clock.EpochMilliseconds = t + 100;
        wait.Observe(0.5);
        clock.EpochMilliseconds = t + 123;
        size.Observe(2);
        clock.EpochMilliseconds = t + 999;
        host.Set("db1");
        clock.EpochMilliseconds = t + 2_000;
        events.WithLabels("a").Inc();

        var snapshot = registry.Collect();
        var rendered = await ExpositionCheck.VerifyAsync(snapshot, Expected(stamp: true));
        Assert.Contains("events_total{kind=\"a\"} 2 1700000002000\n", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("events_total{kind=\"a\"} 2 1700000002\n", rendered.OpenMetrics, StringComparison.Ordinal);
        Assert.Contains("events_created{kind=\"a\"} 1700000000 1700000002\n", rendered.OpenMetrics, StringComparison.Ordinal);
        Assert.Contains("water_level_meters{tank=\"north\"} 3 1700000000.001\n", rendered.OpenMetrics, StringComparison.Ordinal);

        // Pushgateway and node_exporter refuse timestamps: the writers can leave them out.
        rendered = await ExpositionCheck.VerifyAsync(snapshot, Expected(stamp: false), includeTimestamps: false);
        Assert.DoesNotContain("1700000002000", rendered.Text, StringComparison.Ordinal);

        List<ExpectedFamily> Expected(bool stamp)
        {
            long? At(long ms) => stamp ? t + ms : null;
            return
            [
                Counter(
                    "events",
                    "Events.",
                    Value(2, ("kind", "a")) with { Created = 1_700_000_000, TimestampMs = At(2_000) },
                    Value(2, ("kind", "b")) with { Created = 1_700_000_000.01, TimestampMs = At(10) }),
                Info("host", "Host.", Value(1, ("name", "db1")) with { TimestampMs = At(999) }),
                Summary("message_size_bytes", "Message sizes.", Summary(1, 2) with { Created = 1_700_000_000, TimestampMs = At(123) }),
                Histogram("wait_seconds", "Waits.", Histogram(["1.0", "+Inf"], [1, 1], 0.5) with { Created = 1_700_000_000, TimestampMs = At(100) }),
                Gauge("water_level_meters", "Water level.", Value(0, ("tank", "idle")), Value(3, ("tank", "north")) with { TimestampMs = At(1) }),
            ];
        }
    }

    [Fact]
    public async Task Escapes_and_Unicode_in_label_values_and_HELP()
    {
        var (registry, _) = NewRegistry();
        const string help = "Quote \" backslash \\ newline \n literal \\n backslash-quote \\\" tab\tcr\r é 中文 😀 \u2028 end";
        string[] labelValues =
        [
            string.Empty, "quote\"", "back\\slash", "new\nline", "literal \\n", "ends with backslash \\", "\\\"", "\\\\\"\"",
            "é 中文 😀 𝄞", "\ttab", "\rcr", "{}=,# EOF", " # not an exemplar ", "\u2028\u0085\ufeff\uffff", "nul\0", "\u007f",
            "a\"} 1\nb{c=\"", " leading and trailing ",
        ];

        var gauge = registry.Gauge("tricky_labels", help, "value", "other");
        foreach (var value in labelValues)
        {
            gauge.WithLabels(value, value + "!").Set(1);
        }

        registry.Counter("tricky_events_total", help, "value").WithLabels("a\"b\\c\nd").Inc();
        registry.Histogram("tricky_seconds", new MetricOptions { Help = help, LabelNames = ["value"], Buckets = [1] }).WithLabels("😀\\").Observe(2);
        registry.Summary("tricky_bytes", help, "value").WithLabels("\n\n").Observe(3);
        registry.Info("tricky", help, "value").Set("\"quoted\"");

        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Info("tricky", help, Value(1, ("value", "\"quoted\""))),
            Summary("tricky_bytes", help, Summary(1, 3, ("value", "\n\n")) with { Created = T0Seconds }),
            Counter("tricky_events", help, Value(1, ("value", "a\"b\\c\nd")) with { Created = T0Seconds }),
            Gauge("tricky_labels", help, [.. labelValues.Order(StringComparer.Ordinal).Select(v => Value(1, ("value", v), ("other", v + "!")))]),
            Histogram("tricky_seconds", help, Histogram(["1.0", "+Inf"], [0, 1], 2, ("value", "😀\\")) with { Created = T0Seconds }),
        ]);

        // The text format escapes only backslash and newline in HELP; OpenMetrics escapes the quote too.
        Assert.Contains("# HELP tricky_labels Quote \" backslash \\\\ newline \\n literal \\\\n backslash-quote \\\\\" tab", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("# HELP tricky_labels Quote \\\" backslash \\\\ newline \\n literal \\\\n backslash-quote \\\\\\\" tab", rendered.OpenMetrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lone_surrogates_in_label_values_are_written_as_replacement_characters()
    {
        var (registry, _) = NewRegistry();
        var gauge = registry.Gauge("broken_text", "Label values that are not valid UTF-16.", "value");
        gauge.WithLabels("high \ud800 alone").Set(1);
        gauge.WithLabels("low \udc00 alone").Set(2);
        gauge.WithLabels("reversed \udc00\ud800 pair").Set(3);

        // The output is always valid UTF-8 (the parsers decode strictly): U+FFFD stands for each lone surrogate.
        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Gauge(
                "broken_text",
                "Label values that are not valid UTF-16.",
                Value(1, ("value", "high \ufffd alone")),
                Value(2, ("value", "low \ufffd alone")),
                Value(3, ("value", "reversed \ufffd\ufffd pair"))),
        ]);
    }

    [Fact]
    public async Task Label_values_and_HELP_longer_than_a_write_chunk()
    {
        var (registry, _) = NewRegistry();

        // 16 KiB is the writer's chunk: these take 4 bytes (astral), 3 bytes, escapes and 1 byte per character.
        var astral = string.Concat(Enumerable.Repeat("😀", 10_000));
        var escapes = string.Concat(Enumerable.Repeat("\"\\\n", 10_000));
        var mixed = string.Concat(Enumerable.Repeat("a中\"😀\\", 5_000));
        var help = "Long help " + string.Concat(Enumerable.Repeat("\\ \n 中", 8_000)) + ".";
        var gauge = registry.Gauge("long_labels", help, "value");
        gauge.WithLabels(astral).Set(1);
        gauge.WithLabels(escapes).Set(2);
        gauge.WithLabels(mixed).Set(3);

        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Gauge("long_labels", help, [.. new[] { (astral, 1.0), (escapes, 2.0), (mixed, 3.0) }.OrderBy(v => v.Item1, StringComparer.Ordinal).Select(v => Value(v.Item2, ("value", v.Item1)))]),
        ]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Families_with_no_series(bool shared)
    {
        var (registry, _) = NewRegistry(shared);
        registry.Counter("idle_requests_total", "Requests.", "path");
        registry.Gauge("idle_connections", "Connections.", "peer");
        registry.Histogram("idle_latency_seconds", "Latency.", "path");
        registry.Summary("idle_payload_bytes", "Payloads.", "path");
        registry.Info("idle_build", "Build.", "version");

        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Info("idle_build", "Build."),
            Gauge("idle_connections", "Connections."),
            Histogram("idle_latency_seconds", "Latency."),
            Summary("idle_payload_bytes", "Payloads."),
            Counter("idle_requests", "Requests."),
        ]);
        Assert.Equal(10, rendered.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("# TYPE idle_requests counter\n# EOF\n", rendered.OpenMetrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_registry()
    {
        var (registry, _) = NewRegistry();
        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), []);
        Assert.Equal(string.Empty, rendered.Text);
        Assert.Equal("# EOF\n", rendered.OpenMetrics);
    }

    [Fact]
    public async Task Many_families_and_a_family_larger_than_a_write_chunk()
    {
        var (registry, _) = NewRegistry();
        var expected = new List<ExpectedFamily>();
        for (var f = 0; f < 40; f++)
        {
            var labels = Enumerable.Range(0, 5).Select(i => $"series-{i:D2}").ToArray();
            var counter = registry.Counter($"family_{f:D2}_ops_total", $"Counter {f}.", "id");
            var gauge = registry.Gauge($"family_{f:D2}_level", $"Gauge {f}.", "id");
            var histogram = registry.Histogram($"family_{f:D2}_wait_seconds", new MetricOptions { Help = $"Histogram {f}.", LabelNames = ["id"], Buckets = [1, 2] });
            var summary = registry.Summary($"family_{f:D2}_size_bytes", $"Summary {f}.", "id");
            registry.Info($"family_{f:D2}_build", $"Info {f}.", "id").Set($"v{f}");
            foreach (var (label, i) in labels.Select((l, i) => (l, i)))
            {
                counter.WithLabels(label).Inc(f + i);
                gauge.WithLabels(label).Set(f - (i * 0.5));
                histogram.WithLabels(label).Observe(i);
                summary.WithLabels(label).Observe(f * i);
            }

            expected.Add(Info($"family_{f:D2}_build", $"Info {f}.", Value(1, ("id", $"v{f}"))));
            expected.Add(Gauge($"family_{f:D2}_level", $"Gauge {f}.", [.. labels.Select((l, i) => Value(f - (i * 0.5), ("id", l)))]));
            expected.Add(Counter($"family_{f:D2}_ops", $"Counter {f}.", [.. labels.Select((l, i) => Value(f + i, ("id", l)) with { Created = T0Seconds })]));
            expected.Add(Summary($"family_{f:D2}_size_bytes", $"Summary {f}.", [.. labels.Select((l, i) => Summary(1, f * i, ("id", l)) with { Created = T0Seconds })]));
            expected.Add(Histogram(
                $"family_{f:D2}_wait_seconds",
                $"Histogram {f}.",
                [.. labels.Select((l, i) => Histogram(["1.0", "2.0", "+Inf"], [i <= 1 ? 1 : 0, i <= 2 ? 1 : 0, 1], i, ("id", l)) with { Created = T0Seconds })]));
        }

        // 3,000 series with long label values: several write chunks (256 series) and flushes (64 KiB) in one family.
        var wide = registry.Gauge("wide_family_items", "A family larger than a write chunk.", "key", "padding");
        var padding = new string('x', 60) + "é";
        var keys = Enumerable.Range(0, 3_000).Select(i => $"key-{i:D4}").ToArray();
        foreach (var key in keys)
        {
            wide.WithLabels(key, padding).Set(key.Length);
        }

        expected.Add(Gauge("wide_family_items", "A family larger than a write chunk.", [.. keys.Select(k => Value(k.Length, ("key", k), ("padding", padding)))]));
        var rendered = await ExpositionCheck.VerifyAsync(registry.Collect(), [.. expected.OrderBy(f => f.Name, StringComparer.Ordinal)]);
        Assert.True(rendered.Text.Length > 3 * 64 * 1024, "The exposition should span several flushes.");
    }

    [Fact]
    public async Task Families_the_registry_adds_and_custom_collectors()
    {
        var (registry, _) = NewRegistry(options: new MetricsOptions { MaxSeriesPerFamily = 2 });
        var requests = registry.Counter("capped_requests_total", "Requests.", "path");
        foreach (var path in new[] { "/a", "/b", "/c", "/d", "/a" })
        {
            requests.WithLabels(path).Inc();
        }

        registry.AddCollector("broken", () => throw new InvalidOperationException("probe failed"));
        registry.AddCollector("probe", () =>
        [
            new MetricFamilySnapshot(
                new MetricDefinition(MetricType.Gauge, "probe_success", "Whether the probe succeeded.", ["target"]),
                [SeriesSnapshot.ForValue(["db"], 1), SeriesSnapshot.ForValue(["cache"], 0)]),
            new MetricFamilySnapshot(
                new MetricDefinition(MetricType.Counter, "probe_runs_total", "Probe runs."),
                [SeriesSnapshot.ForValue([], 12)]),
        ]);

        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Counter("aggregator_collector_errors", "Custom collector runs that threw or returned invalid families; their output was left out.", Value(1, ("collector", "broken"))),
            Counter("aggregator_series_dropped", "New series refused because their family reached the series cap.", Value(2, ("family", "capped_requests"))),
            Counter("capped_requests", "Requests.", Value(2, ("path", "/a")) with { Created = T0Seconds }, Value(1, ("path", "/b")) with { Created = T0Seconds }),
            Counter("probe_runs", "Probe runs.", Value(12)),
            Gauge("probe_success", "Whether the probe succeeded.", Value(0, ("target", "cache")), Value(1, ("target", "db"))),
        ]);
    }

    [Fact]
    public async Task Custom_collector_families_that_collide_with_sample_names_are_left_out()
    {
        var (registry, _) = NewRegistry();
        registry.Counter("jobs_total", "Jobs.").Inc();

        // Each of these would give the exposition a second family under a name it already uses: promtool stops at a
        // "second HELP line for metric name", the OpenMetrics parser at a "Clashing name". Only the clashing family is
        // left out: the "pair" collector's histogram stays, its gauge "lat_bucket" goes.
        registry.AddCollector("total", () => [Family(MetricType.Gauge, "jobs_total")]);
        registry.AddCollector("created", () => [Family(MetricType.Gauge, "jobs_created")]);
        registry.AddCollector("pair", () => [Family(MetricType.Histogram, "lat"), Family(MetricType.Gauge, "lat_bucket")]);
        registry.AddCollector("fine", () => [Family(MetricType.Gauge, "jobs_info")]);

        await ExpositionCheck.VerifyAsync(registry.Collect(), [
            Counter(
                "aggregator_collector_errors",
                "Custom collector runs that threw or returned invalid families; their output was left out.",
                Value(1, ("collector", "created")),
                Value(1, ("collector", "pair")),
                Value(1, ("collector", "total"))),
            Counter("jobs", "Jobs.", Value(1) with { Created = T0Seconds }),
            Gauge("jobs_info", "Collected.", Value(1)),
            Histogram("lat", "Collected.", Histogram(["1.0", "+Inf"], [1, 1], 0.5)),
        ]);

        static MetricFamilySnapshot Family(MetricType type, string name) => type == MetricType.Histogram
            ? new MetricFamilySnapshot(new MetricDefinition(type, name, "Collected.", buckets: [1]), [SeriesSnapshot.ForHistogram([], [1, 1], 0.5)])
            : new MetricFamilySnapshot(new MetricDefinition(type, name, "Collected."), [SeriesSnapshot.ForValue([], 1)]);
    }

    private static (MetricRegistry Registry, ManualClock Clock) NewRegistry(bool shared = false, MetricsOptions? options = null, long start = T0)
    {
        var clock = new ManualClock(start);
        var catalog = new MetricCatalog((options ?? new MetricsOptions()) with { TimeProvider = clock });
        return (shared ? new SharedRegistry(catalog) : new WorkerRegistry(catalog), clock);
    }
}
