using Aggregator.Metrics.Collectors;

namespace Aggregator.Metrics.Tests.Collectors;

public sealed class OpenFileDescriptorsSpec
{
    private const string FdDirectory = "/proc/self/fd";

    [Fact]
    public void The_count_equals_the_entries_of_proc_self_fd_and_follows_opened_files()
    {
        Assert.True(OperatingSystem.IsLinux(), "These machines run Linux; the count is Linux's.");

        var before = Settled();
        var opened = Enumerable.Range(0, 40).Select(_ => File.OpenRead("/proc/self/stat")).ToList();
        try
        {
            Assert.Equal(before + 40, Settled());
        }
        finally
        {
            opened.ForEach(f => f.Dispose());
        }
    }

    // Other tests of this process open and close descriptors in parallel: a count is taken when two counts around a
    // listing of the directory (each of which opens it once, as the count does) agree.
    private static int Settled()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = OpenFileDescriptors.Count();
            var listed = Directory.GetFileSystemEntries(FdDirectory).Length;
            var second = OpenFileDescriptors.Count();
            if (first == second && listed == first)
            {
                return listed;
            }

            Thread.Sleep(20);
        }

        Assert.Fail("The descriptor count never settled in 50 attempts.");
        return -1;
    }
}
