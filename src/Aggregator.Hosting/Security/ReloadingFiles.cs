using System.Security.Cryptography;

namespace Aggregator.Hosting;

/// <summary>
/// A value parsed from files and parsed again when their content changes. Each read of <see cref="Current"/> looks at
/// the files' last-write times and lengths only; the files are read when those change, and parsed when the text did.
/// A failed reload keeps the previous value until the files change again.
/// </summary>
internal sealed class ReloadingFiles<T>
    where T : class
{
    // File systems stamp writes with a coarse clock, so a file rewritten with the same length within one tick keeps its
    // stamp; files written this recently are read again each time (git's "racy" files) and compared by content.
    private static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private readonly string[] _paths;
    private readonly Func<Func<string, string>, T> _parse;
    private readonly Action<Exception> _reloadFailed;
    private readonly Lock _lock = new();
    private (DateTime Written, long Length)[] _stamps;
    private bool _racy;
    private string[] _texts;
    private T _current;

    /// <summary>Reads and parses now, so that a broken file stops the server at startup rather than at the first handshake.</summary>
    /// <param name="paths">The files.</param>
    /// <param name="parse">Builds the value, given the text of any of <paramref name="paths"/>.</param>
    /// <param name="reloadFailed">Told of each failed reload.</param>
    /// <exception cref="ArgumentException">A file cannot be read, or the parse failed.</exception>
    public ReloadingFiles(IEnumerable<string> paths, Func<Func<string, string>, T> parse, Action<Exception> reloadFailed)
    {
        _paths = [.. paths.Distinct(StringComparer.Ordinal)];
        _parse = parse;
        _reloadFailed = reloadFailed;
        _stamps = Stamp();
        _racy = IsRacy(_stamps);
        _texts = ReadAll();
        _current = Parse(_texts);
    }

    /// <summary>The value from the files as they are now, or the last one that loaded.</summary>
    public T Current
    {
        get
        {
            if (_paths.Length == 0)
            {
                return _current;
            }

            // A stat per file per handshake, where the toolkit reads and parses every file per handshake.
            var stamps = Stamp();
            lock (_lock)
            {
                if (!_racy && stamps.AsSpan().SequenceEqual(_stamps))
                {
                    return _current;
                }

                _stamps = stamps;
                _racy = IsRacy(stamps);
                try
                {
                    var texts = ReadAll();
                    if (texts.AsSpan().SequenceEqual(_texts))
                    {
                        return _current;
                    }

                    // Remembered even when the parse fails, so that a half-written file is parsed once, not on every
                    // handshake until it is complete.
                    _texts = texts;
                    _current = Parse(texts);
                }
                catch (Exception error) when (error is ArgumentException or CryptographicException)
                {
                    _reloadFailed(error);
                }

                return _current;
            }
        }
    }

    private T Parse(string[] texts) => _parse(path => texts[Array.IndexOf(_paths, path)]);

    private string[] ReadAll()
    {
        var texts = new string[_paths.Length];
        for (var i = 0; i < _paths.Length; i++)
        {
            try
            {
                texts[i] = File.ReadAllText(_paths[i]);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"Could not read '{_paths[i]}': {error.Message}", error);
            }
        }

        return texts;
    }

    private (DateTime Written, long Length)[] Stamp()
    {
        var stamps = new (DateTime, long)[_paths.Length];
        for (var i = 0; i < _paths.Length; i++)
        {
            var file = new FileInfo(_paths[i]);
            stamps[i] = file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1);
        }

        return stamps;
    }

    private static bool IsRacy((DateTime Written, long Length)[] stamps)
    {
        var now = DateTime.UtcNow;
        foreach (var (written, _) in stamps)
        {
            if (written > now - RacyWindow)
            {
                return true;
            }
        }

        return false;
    }
}
