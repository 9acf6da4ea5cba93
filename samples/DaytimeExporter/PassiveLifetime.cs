namespace DaytimeExporter;

/// <summary>
/// Keeps the JSON service's web application off the process's signals: the default lifetime would take SIGTERM and
/// SIGINT for itself, and the program decides when everything stops.
/// </summary>
internal sealed class PassiveLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
