namespace Aggregator.Hosting;

/// <summary>PEM text given either as a file (<see cref="Path"/>) or inline (<see cref="Pem"/>).</summary>
/// <param name="Path">The file, or null when the text is inline.</param>
/// <param name="Pem">The inline text, or null when it is in a file.</param>
/// <param name="Description">How error messages name it: the configuration key and the file.</param>
internal sealed record PemSource(string? Path, string? Pem, string Description)
{
    /// <summary>The text: the inline one, or the file's as <paramref name="readFile"/> gives it.</summary>
    public string Text(Func<string, string> readFile) => Path is null ? Pem ?? string.Empty : readFile(Path);
}
