using Akka.Actor;
using Aggregator.Actors;
using Aggregator.Conformance.Tests.Tools;
using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Status;

/// <summary>
/// A worker reports a label value and a HELP text that are markup; real Chromium loads the status page and its DOM text
/// shows them literally, no dialog opens, and the page's only script element is its own.
/// </summary>
public sealed class StatusPageEscapingSpec : IAsyncLifetime
{
    private const string LabelValue = "<script>alert(1)</script>";
    private const string Help = "<script>alert('help')</script><img src=x onerror=alert(2)>";

    private ActorSystem _system = null!;

    public async Task InitializeAsync()
    {
        _system = ActorSystem.Create("status-escaping", """
            akka.loglevel = WARNING
            aggregator.collectors { process = off, runtime = off, meters = off }
            """);
        await _system.ActorOf(Props.Create<InjectingWorker>(), "injecting").Ask<string>("ready", TimeSpan.FromSeconds(5));
    }

    public Task DisposeAsync() => _system.Terminate();

    [Fact]
    public async Task Markup_from_a_worker_is_text_in_the_dom()
    {
        await using var server = await MetricsServer.StartAsync(_system, new MetricsServerOptions { Port = 0, StatusPage = true });
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };

        var response = await page.GotoAsync(new Uri(server.Address, "/status").ToString());
        var row = page.Locator("tr.family[data-family='injected_total']");

        Assert.Equal(200, response!.Status);
        Assert.Equal($"e.g. {{value=\"{LabelValue}\"}}", await row.Locator(".example").InnerTextAsync());
        Assert.Equal(Help, await row.Locator(".help").InnerTextAsync());
        Assert.Equal("value (1)", (await row.Locator("td.labels").InnerTextAsync()).Split('\n')[0]);
        Assert.Equal(1, await page.EvaluateAsync<int>("document.scripts.length"));
        Assert.Equal(0, await page.EvaluateAsync<int>("document.images.length"));
        Assert.Empty(dialogs);
    }

    private sealed class InjectingWorker : MeteredReceiveActor
    {
        public InjectingWorker()
        {
            Metrics.Counter("injected_total", Help, "value").WithLabels(LabelValue).Inc();
            Receive<string>(_ => Sender.Tell("ready"));
        }
    }
}
