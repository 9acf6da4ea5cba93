using Akka.Actor;
using Akka.Configuration;

namespace Aggregator.Cluster.Tests;

public sealed class AggregatorClusterSettingsSpec
{
    [Fact]
    public void Defaults_are_replies_of_changes_in_one_mebibyte_chunks()
    {
        using var system = ActorSystem.Create("settings", ConfigurationFactory.ParseString("akka.loglevel = ERROR"));

        var settings = AggregatorClusterSettings.Create(system);

        Assert.True(settings.DeltaReplies);
        Assert.Equal(1024 * 1024, settings.ReplyChunkSize);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.CollectionTimeout);
    }

    [Fact]
    public void Whole_replies_and_another_chunk_size_are_read_from_hocon()
    {
        using var system = ActorSystem.Create("settings", ConfigurationFactory.ParseString("""
            akka.loglevel = ERROR
            aggregator.cluster { delta-replies = off, reply-chunk-size = 64KiB }
            """));

        var settings = AggregatorClusterSettings.Create(system);

        Assert.False(settings.DeltaReplies);
        Assert.Equal(64 * 1024, settings.ReplyChunkSize);
    }

    [Fact]
    public void A_chunk_size_below_64_bytes_is_refused_by_name()
    {
        using var system = ActorSystem.Create("settings", ConfigurationFactory.ParseString("""
            akka.loglevel = ERROR
            aggregator.cluster.reply-chunk-size = 10b
            """));

        var error = Assert.Throws<ConfigurationException>(() => AggregatorClusterSettings.Create(system));

        Assert.Equal("aggregator.cluster.reply-chunk-size must be between 64 B and 2 GiB, not 10 bytes.", error.Message);
    }
}
