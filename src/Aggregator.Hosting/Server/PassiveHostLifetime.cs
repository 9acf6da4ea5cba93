using Microsoft.Extensions.Hosting;

namespace Aggregator.Hosting;

/// <summary>
/// The lifetime of the web application inside <see cref="MetricsServer"/>. The default one (ConsoleLifetime) registers
/// for SIGTERM, SIGINT and SIGQUIT and cancels their default handling, then only stops this inner application: the
/// program that owns the process never learns of the signal and keeps running. A library server must leave the
/// process's signals to the program, so this lifetime neither waits for nor reacts to anything.
/// </summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
