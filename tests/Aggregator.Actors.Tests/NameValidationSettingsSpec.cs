using Akka.Configuration;
using Aggregator.Metrics;

namespace Aggregator.Actors.Tests;

public sealed class NameValidationSettingsSpec
{
    [Fact]
    public void The_default_is_legacy() =>
        Assert.Equal(NameValidation.Legacy, AggregatorSettings.Create(ConfigurationFactory.Empty).Metrics.NameValidation);

    [Theory]
    [InlineData("legacy", NameValidation.Legacy)]
    [InlineData("utf8", NameValidation.Utf8)]
    [InlineData("UTF8", NameValidation.Utf8)]
    public void The_key_is_read(string value, NameValidation expected) =>
        Assert.Equal(expected, AggregatorSettings.Create(ConfigurationFactory.ParseString($"name-validation = {value}")).Metrics.NameValidation);

    [Fact]
    public void Another_value_is_refused_by_name() =>
        Assert.Equal(
            "aggregator.name-validation = 'utf-8' is not one of: legacy, utf8.",
            Assert.Throws<ConfigurationException>(() => AggregatorSettings.Create(ConfigurationFactory.ParseString("name-validation = \"utf-8\""))).Message);
}
