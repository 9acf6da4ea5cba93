using Akka;
using Akka.Actor;
using Akka.Event;

namespace Aggregator.Node;

/// <summary>
/// The line a node logs when the cluster removes it. A member downed (by the split-brain resolver or any
/// <c>Cluster.Down</c>) or removed after being told to leave shuts its actor system down with
/// <see cref="CoordinatedShutdown.ClusterDowningReason"/> or <see cref="CoordinatedShutdown.ClusterLeavingReason"/>.
/// Akka.Hosting then stops the host after setting <c>Environment.ExitCode = -1</c>, which the process reports as 255
/// (<c>akka.coordinated-shutdown.exit-clr</c> is off, so Akka's own exit codes do not apply). An actor system cannot
/// rejoin a cluster that removed it: only a restart brings the node back, which is what the line says.
/// </summary>
internal static class DowningExit
{
    /// <summary>The exit code of a removed node: Akka.Hosting's -1 as the operating system reports it.</summary>
    public const int ExitCode = 255;

    /// <summary>The line for <paramref name="reason"/>, or null when the shutdown is not the cluster's doing (SIGTERM exits 0).</summary>
    public static string? Describe(CoordinatedShutdown.Reason? reason, Address self)
    {
        var what = reason switch
        {
            CoordinatedShutdown.ClusterDowningReason => "was downed by the cluster (split-brain resolver or Cluster.Down)",
            CoordinatedShutdown.ClusterLeavingReason => "was removed from the cluster after leaving",
            _ => null,
        };
        return what is null
            ? null
            : $"Node {self} {what}: its actor system is shutting down and the process will exit with code {ExitCode}. "
                + "It cannot rejoin without a restart: run it under a supervisor that restarts it (docker restart: unless-stopped, systemd Restart=on-failure).";
    }

    /// <summary>Logs the line and sets the exit code at the start of <paramref name="system"/>'s coordinated shutdown.</summary>
    public static void Register(ActorSystem system, Address self)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        var log = Logging.GetLogger(system, "Aggregator.Node");
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "aggregator-node-exit-code", () =>
        {
            if (Describe(shutdown.ShutdownReason, self) is { } line)
            {
                // Akka.Hosting sets the same code once the system has terminated; set here too, so that the logged code
                // holds whatever Akka.Hosting does.
                Environment.ExitCode = ExitCode;
                log.Warning("{0}", line);
            }

            return Task.FromResult(Done.Instance);
        });
    }
}
