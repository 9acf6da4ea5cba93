using Aggregator.Metrics.Exposition;

namespace Aggregator.Metrics.Textfile;

/// <summary>
/// Writes a snapshot for node_exporter's textfile collector: text 0.0.4 without timestamps (which the collector
/// refuses), ending in a newline, written to a temporary file in the same directory and renamed over the target,
/// so that a reader sees the old file or the new one, never a part.
/// </summary>
public static class TextfileWriter
{
    /// <summary>Writes <paramref name="snapshot"/> to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException">The path does not end in <c>.prom</c> (node_exporter reads nothing else).</exception>
    /// <exception cref="IOException">The directory is missing or not writable; the message names the path. The old file is untouched.</exception>
    public static async Task WriteAsync(MetricsSnapshot snapshot, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.EndsWith(".prom", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Textfile '{path}' must end in .prom: node_exporter's textfile collector reads nothing else.", nameof(path));
        }

        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;

        // Dot-prefixed and not ending in .prom, so the collector never reads a half-written temporary file.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await ExpositionWriter.WriteAsync(snapshot, ExpositionFormat.Text, stream, includeTimestamps: false, cancellationToken: cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new IOException($"Could not write textfile '{full}': {error.Message}", error);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes a registry's current snapshot to <paramref name="path"/> atomically.</summary>
    public static Task WriteAsync(MetricRegistry registry, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return WriteAsync(registry.Collect(), path, cancellationToken);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temporary file is dot-prefixed and invisible to the collector anyway.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
