namespace EmbeddedActors;

/// <summary>An order to process and pay for.</summary>
internal sealed record Order(int Number, double Value);
