using Akka.Actor;
using Akka.Configuration;
using Aggregator.Actors;

namespace Aggregator.Cluster.Tests.Collection;

public sealed class ClusterStateCollectorSpec : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("state", ConfigurationFactory.ParseString("""
            akka.loglevel = ERROR
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            aggregator.collectors { process = off, runtime = off, meters = off, cluster = on }
            """).WithFallback(AggregatorClusterSettings.DefaultConfig()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.Terminate();

    [Fact]
    public async Task Membership_shows_in_the_shared_registry()
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        AggregatorClusterExtension.Get(_system);
        var up = new TaskCompletionSource();
        cluster.RegisterOnMemberUp(() => up.SetResult());
        await cluster.JoinAsync(cluster.SelfAddress);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var snapshot = AggregatorExtension.Get(_system).Shared.Collect();

        Assert.Equal(1, snapshot.Find("akka_cluster_members")!.Series.Single(s => s.LabelValues[0] == "up").Value);
        Assert.Equal(0, snapshot.Find("akka_cluster_members")!.Series.Where(s => s.LabelValues[0] != "up").Sum(s => s.Value));
        Assert.Equal(0, snapshot.Find("akka_cluster_unreachable_members")!.Series.Single().Value);
        var self = Assert.Single(snapshot.Find("akka_cluster_self_status")!.Series);
        Assert.Equal([cluster.SelfAddress.ToString(), "up"], self.LabelValues);
        Assert.Equal(1, self.Value);
    }
}
