namespace Aggregator.Node;

/// <summary>The node's Akka defaults, below anything a HOCON file or option sets.</summary>
internal static class NodeDefaults
{
    /// <summary>
    /// The split-brain resolver keeps the majority side. <c>stable-after = 7s</c> (Akka's default is 20 s): a crashed
    /// metrics node is unreachable after about 4.5 s, and until it is removed every scrape reports it missing, so it
    /// should go soon; 7 s still rides out a long GC pause. <c>down-all-when-unstable = on</c>: when membership keeps
    /// changing for longer than that, every node downs itself rather than guess. Graceful shutdown (SIGTERM) runs
    /// coordinated shutdown, which leaves the cluster first; the process itself is ended by the host, not by Akka.
    /// </summary>
    public const string Hocon = """
        akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
        akka.cluster.split-brain-resolver {
          active-strategy = keep-majority
          stable-after = 7s
          down-all-when-unstable = on
        }
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = on
        """;
}
