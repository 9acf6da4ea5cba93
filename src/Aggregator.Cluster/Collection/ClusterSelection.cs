using Aggregator.Actors;

namespace Aggregator.Cluster.Collection;

/// <summary>What a cluster-wide collection is of: requests with equal node and worker selections share collections.</summary>
internal readonly record struct ClusterSelection(NodeSelection Nodes, WorkerSelection Workers);
