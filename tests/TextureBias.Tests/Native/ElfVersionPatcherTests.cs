using TextureBias.Native;
using TextureBias.Tests.Packaging;
using Xunit;
using static TextureBias.Native.ElfVersionPatcher;

namespace TextureBias.Tests.Native;

/// <summary>
/// The GLIBCXX_3.4.32 fix on copies of the real libLibTorchSharp.so: marks exactly that flag,
/// keeps time and mode, never rewrites a marked file, never writes through a link (into the
/// NuGet cache), and concurrent patchers and readers never see a partial file.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ElfVersionPatcherTests : TempDirTest
{
    private readonly string _packaged = NuGetFolders.PackagedLibTorchSharp();

    private string CopyOfPackaged(string name = "libLibTorchSharp.so")
    {
        var path = Path.Combine(_dir, name);
        File.Copy(_packaged, path);
        File.SetLastWriteTimeUtc(path, new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        return path;
    }

    [Fact]
    public void The_packaged_library_needs_the_version_and_is_left_untouched()
    {
        var before = File.GetLastWriteTimeUtc(_packaged);
        Assert.Equal(Requirement.Strong, Inspect(_packaged));
        Assert.Equal(before, File.GetLastWriteTimeUtc(_packaged));
    }

    [Fact]
    public void Marking_sets_only_the_weak_flag_and_keeps_time_and_mode()
    {
        var path = CopyOfPackaged();
        var original = File.ReadAllBytes(path);
        var time = File.GetLastWriteTimeUtc(path);
        var mode = File.GetUnixFileMode(path);

        Assert.True(MarkWeak(path));

        Assert.Equal(Requirement.Weak, Inspect(path));
        var patched = File.ReadAllBytes(path);
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.Equal(original[i] | 2, patched[i])); // VER_FLG_WEAK, nothing else
        Assert.Equal(time, File.GetLastWriteTimeUtc(path));
        Assert.Equal(mode, File.GetUnixFileMode(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir)); // no temporary file left
    }

    [Fact]
    public void A_marked_file_is_left_alone()
    {
        var path = CopyOfPackaged();
        Assert.True(MarkWeak(path));
        var bytes = File.ReadAllBytes(path);
        var time = File.GetLastWriteTimeUtc(path);
        var other = Path.Combine(_dir, "other-name");
        FileIdentity.HardLink(path, other);

        Assert.False(MarkWeak(path));

        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(time, File.GetLastWriteTimeUtc(path));
        Assert.True(FileIdentity.Same(path, other), "the marked file was replaced, not left alone");
    }

    [Fact]
    public void A_hard_link_into_a_cache_is_replaced_not_written_through()
    {
        var cache = CopyOfPackaged("cache.so");
        var output = Path.Combine(_dir, "libLibTorchSharp.so");
        FileIdentity.HardLink(cache, output); // as MSBuild's copy makes with CreateHardLinksForCopyLocalIfPossible

        Assert.True(MarkWeak(output));

        Assert.Equal(Requirement.Weak, Inspect(output));
        Assert.Equal(Requirement.Strong, Inspect(cache));
        Assert.Equal(File.ReadAllBytes(_packaged), File.ReadAllBytes(cache));
    }

    [Fact]
    public void A_symbolic_link_into_a_cache_is_replaced_by_a_marked_file()
    {
        var cache = CopyOfPackaged("cache.so");
        var output = Path.Combine(_dir, "libLibTorchSharp.so");
        File.CreateSymbolicLink(output, cache);

        Assert.True(MarkWeak(output));

        Assert.Null(new FileInfo(output).LinkTarget);
        Assert.Equal(Requirement.Weak, Inspect(output));
        Assert.Equal(Requirement.Strong, Inspect(cache));
    }

    [Fact]
    public async Task Concurrent_patchers_and_a_reader_never_see_a_partial_file()
    {
        var path = CopyOfPackaged();
        long length = new FileInfo(path).Length;
        using var stop = new CancellationTokenSource();
        var bad = new List<string>();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var bytes = File.ReadAllBytes(path);
                var state = Inspect(path);
                if (bytes.Length != length || state == Requirement.None) lock (bad) bad.Add($"{bytes.Length} bytes, {state}");
            }
        });
        var wrote = new bool[6];
        Parallel.For(0, wrote.Length, new ParallelOptions { MaxDegreeOfParallelism = wrote.Length }, i => wrote[i] = MarkWeak(path));
        stop.Cancel();
        await reader;

        Assert.Empty(bad);
        Assert.Contains(true, wrote);
        Assert.Equal(Requirement.Weak, Inspect(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
    }

    [Fact]
    public void Files_that_are_not_ELF_need_nothing_and_a_truncated_one_is_an_error()
    {
        var text = Path.Combine(_dir, "notes.so");
        File.WriteAllText(text, "not a library");
        Assert.Equal(Requirement.None, Inspect(text));
        Assert.False(MarkWeak(text));
        Assert.Equal("not a library", File.ReadAllText(text));

        var truncated = Path.Combine(_dir, "truncated.so");
        File.WriteAllBytes(truncated, File.ReadAllBytes(_packaged).AsSpan(0, 4096).ToArray());
        Assert.Throws<InvalidDataException>(() => Inspect(truncated));
    }

    [Fact]
    public void The_start_up_fix_marks_the_copies_beside_an_app_once()
    {
        var app = Path.Combine(_dir, "app");
        var withRid = Path.Combine(app, TorchSharpLoadFix.LibraryName);
        var withoutRid = Path.Combine(app, "runtimes", "linux-x64", "native", TorchSharpLoadFix.LibraryName);
        Directory.CreateDirectory(Path.GetDirectoryName(withoutRid)!);
        File.Copy(_packaged, withRid);
        File.Copy(_packaged, withoutRid);

        Assert.Empty(TorchSharpLoadFix.Apply(app));
        Assert.Equal(Requirement.Weak, Inspect(withRid));
        Assert.Equal(Requirement.Weak, Inspect(withoutRid));

        var other = Path.Combine(_dir, "other-name");
        FileIdentity.HardLink(withRid, other);
        Assert.Empty(TorchSharpLoadFix.Apply(app));
        Assert.True(FileIdentity.Same(withRid, other), "the start-up fix rewrote a marked library");
    }
}
