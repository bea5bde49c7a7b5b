using TextureBias.Data;
using Xunit;

namespace TextureBias.Tests.Data;

/// <summary><see cref="OutputPaths"/> and <see cref="InputPaths"/>: the cause named in one line, nothing created.</summary>
public sealed class PathChecksTests : TempDirTest
{
    private string Message(Action check) => Assert.Throws<TextureBiasException>(check).Message;

    [Fact]
    public void AnOutputFileMustNotBeAFolder()
    {
        Assert.Equal($"--logits-out {_dir}: a folder, not a file (name a file in it)", Message(() => OutputPaths.CheckFile("--logits-out", _dir)));
        string slash = Path.Combine(_dir, "new") + "/";
        Assert.Equal($"--npy {slash}: names a folder, not a file", Message(() => OutputPaths.CheckFile("--npy", slash)));
        Assert.False(Directory.Exists(slash));
    }

    [Fact]
    public void AnOutputFolderMustNotBeAFile()
    {
        string file = Path.Combine(_dir, "run.txt");
        File.WriteAllText(file, "x");
        Assert.Equal($"--out {file}: a file, not a folder", Message(() => OutputPaths.CheckFolder("--out", file)));
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void APathBelowAFileCannotBeMade()
    {
        string file = Path.Combine(_dir, "plain");
        File.WriteAllText(file, "x");
        string below = Path.Combine(file, "a", "b.png");
        Assert.Equal($"--out {below}: {file} is a file, not a folder", Message(() => OutputPaths.CheckFile("--out", below)));
        Assert.Equal($"--out-dir {below}: {file} is a file, not a folder", Message(() => OutputPaths.CheckFolder("--out-dir", below)));
    }

    [Fact]
    public void MissingFoldersThatCanBeMadeAreFineAndNotMade()
    {
        string deep = Path.Combine(_dir, "a", "b", "c");
        OutputPaths.CheckFile("--csv", Path.Combine(deep, "x.csv"));
        OutputPaths.CheckFolder("--out", deep);
        OutputPaths.CheckFile("--csv", Path.Combine(_dir, "x.csv"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir)); // no folders made, no probe left
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AnUnwritableFolderIsRefused()
    {
        string locked = Path.Combine(_dir, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (CanWrite(locked)) locked = "/sys"; // root ignores modes; sysfs takes no files from anyone
        try
        {
            string message = Message(() => OutputPaths.CheckFile("--plot", Path.Combine(locked, "sub", "p.png")));
            Assert.StartsWith($"--plot {Path.Combine(locked, "sub", "p.png")}: cannot write in {locked} (to make the folders below it): ", message);
            Assert.Contains("cannot write in", Message(() => OutputPaths.CheckFolder("--out", locked)));
        }
        finally
        {
            if (locked != "/sys") File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            File.WriteAllText(Path.Combine(folder, "probe"), "");
            File.Delete(Path.Combine(folder, "probe"));
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [Fact]
    public void InputsMustBeOfTheRightKind()
    {
        string file = Path.Combine(_dir, "image.png");
        File.WriteAllText(file, "x");
        Assert.Equal($"--data {file}: a file, not a folder", Message(() => InputPaths.CheckFolder("--data", file)));
        Assert.Equal($"--data {Path.Combine(_dir, "nope")}: no such folder", Message(() => InputPaths.CheckFolder("--data", Path.Combine(_dir, "nope"))));
        Assert.Equal($"--image {_dir}: a folder, not a file", Message(() => InputPaths.CheckFile("--image", _dir)));
        InputPaths.CheckFolder("--data", _dir);
        InputPaths.CheckFile("--image", file);
    }
}
