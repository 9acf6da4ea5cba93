using Aggregator.Hosting;

namespace Aggregator.Conformance.Tests.Security;

/// <summary>The file cache behind certificate rotation: parse once per change, never miss a change.</summary>
public sealed class ReloadingFilesSpec : IDisposable
{
    private static readonly DateTime LongAgo = DateTime.UtcNow.AddHours(-1);

    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-reload-").FullName;
    private readonly List<Exception> _failures = [];
    private int _parses;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Unchanged_files_are_parsed_once_however_often_the_value_is_read()
    {
        var path = Write("a.pem", "first", LongAgo);
        var files = Files(path);

        var values = Enumerable.Range(0, 100).Select(_ => files.Current).Distinct().ToList();

        Assert.Equal(["first"], values);
        Assert.Equal(1, _parses);
    }

    [Fact]
    public void A_change_of_content_is_parsed_once()
    {
        var path = Write("a.pem", "first", LongAgo);
        var files = Files(path);

        Write("a.pem", "second!", LongAgo.AddMinutes(1));
        var values = Enumerable.Range(0, 10).Select(_ => files.Current).Distinct().ToList();

        Assert.Equal(["second!"], values);
        Assert.Equal(2, _parses);
    }

    [Fact]
    public void A_rewrite_with_the_same_length_and_time_stamp_is_still_seen_while_the_file_is_recent()
    {
        var recent = DateTime.UtcNow;
        var path = Write("a.pem", "first", recent);
        var files = Files(path);

        // A coarse file-system clock gives both writes the same time stamp.
        Write("a.pem", "other", recent);

        Assert.Equal("other", files.Current);
        Assert.Equal(2, _parses);
    }

    [Fact]
    public void A_failed_parse_keeps_the_previous_value_and_is_not_retried_until_the_file_changes()
    {
        var path = Write("a.pem", "first", LongAgo);
        var files = Files(path);

        Write("a.pem", "broken", LongAgo.AddMinutes(1));
        var whileBroken = Enumerable.Range(0, 10).Select(_ => files.Current).Distinct().ToList();
        Write("a.pem", "fixed", LongAgo.AddMinutes(2));

        Assert.Equal(["first"], whileBroken);
        Assert.Equal("fixed", files.Current);
        Assert.Equal(3, _parses);
        Assert.Equal(["broken is not PEM"], _failures.Select(f => f.Message));
    }

    [Fact]
    public void A_deleted_file_keeps_the_previous_value()
    {
        var path = Write("a.pem", "first", LongAgo);
        var files = Files(path);

        File.Delete(path);

        Assert.Equal("first", files.Current);
        Assert.Equal(1, _parses);
        Assert.StartsWith($"Could not read '{path}': ", Assert.Single(_failures).Message, StringComparison.Ordinal);
    }

    private ReloadingFiles<string> Files(string path) => new(
        [path],
        read =>
        {
            _parses++;
            var text = read(path);
            return text == "broken" ? throw new ArgumentException("broken is not PEM") : text;
        },
        _failures.Add);

    private string Write(string name, string text, DateTime written)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, written);
        return path;
    }
}
