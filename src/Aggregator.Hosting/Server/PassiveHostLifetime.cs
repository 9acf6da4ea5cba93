using Microsoft.Extensions.Hosting;

namespace Aggregator.Hosting;

/// <summary>
/// A host lifetime that neither waits for nor reacts to anything, for a web application that a program starts beside
/// its own signal handling, as <see cref="MetricsServer"/> does. The default one (ConsoleLifetime) registers for
/// SIGTERM, SIGINT and SIGQUIT and cancels their default handling, then only stops that application: the program that
/// owns the process never learns of the signal and keeps running. Register it with
/// <c>builder.Services.AddSingleton&lt;IHostLifetime, PassiveHostLifetime&gt;()</c>.
/// </summary>
public sealed class PassiveHostLifetime : IHostLifetime
{
    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
