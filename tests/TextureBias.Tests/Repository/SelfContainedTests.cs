using System.Text.RegularExpressions;
using Xunit;

namespace TextureBias.Tests.Repository;

/// <summary>
/// A user's clone has nothing beside it: no source, build file, script or document may point at
/// a folder outside the repository (the project's shared/ folder, an absolute machine path, or a
/// relative path that climbs out of the clone).
/// </summary>
public class SelfContainedTests
{
    private static readonly string[] TextExtensions =
        { ".cs", ".csproj", ".props", ".targets", ".sln", ".sh", ".py", ".json", ".md", ".txt", ".xml", ".yml", ".yaml", ".config" };

    private static readonly string[] SkippedFolders = { ".git", "bin", "obj", "TestResults", "Fixtures", "stimuli" };

    /// <summary>Names of the outside world this project used to read, and machine-specific roots.</summary>
    private static readonly Regex Outside = new(
        @"TEXTUREBIAS_SHARED|(^|[^\w.-])(\.\./)+shared\b|""shared""|/work/|/home/\w|/root/|C:\\",
        RegexOptions.Compiled | RegexOptions.Multiline);

    /// <summary>Relative paths with at least one "../" in a string or a link.</summary>
    private static readonly Regex Climbing = new(@"(?<![\w/.])((?:\.\./)+[\w.@{}$()/-]*)", RegexOptions.Compiled);

    private static string Root => Fixture.Repository(".");

    private static IEnumerable<string> Sources()
    {
        var root = Path.GetFullPath(Root);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
                if (!SkippedFolders.Contains(Path.GetFileName(sub)) && !new DirectoryInfo(sub).Attributes.HasFlag(FileAttributes.ReparsePoint))
                    pending.Push(sub);
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                string name = Path.GetFileName(file);
                if (name == nameof(SelfContainedTests) + ".cs") continue; // its patterns name what they look for
                if (TextExtensions.Contains(Path.GetExtension(file)) || name is "run" or ".gitignore" or "Makefile")
                    yield return file;
            }
        }
    }

    [Fact]
    public void NoFileNamesAFolderOutsideTheRepository()
    {
        var root = Path.GetFullPath(Root).TrimEnd('/') + "/";
        var offences = new List<string>();
        int files = 0;
        foreach (var file in Sources())
        {
            files++;
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string where = $"{Path.GetRelativePath(root, file)}:{i + 1}";
                if (Outside.Match(lines[i]) is { Success: true } m)
                    offences.Add($"{where}: '{m.Value.Trim()}'");
                foreach (Match c in Climbing.Matches(lines[i]))
                {
                    string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, c.Groups[1].Value));
                    if (!(resolved + "/").StartsWith(root, StringComparison.Ordinal))
                        offences.Add($"{where}: '{c.Groups[1].Value}' leaves the repository");
                }
            }
        }
        Assert.True(files > 200, $"only {files} files were scanned: the walk is broken");
        Assert.True(offences.Count == 0, "outside references:\n" + string.Join("\n", offences));
    }

    [Fact]
    public void TheCheckFindsAnOutsideReference()
    {
        // The patterns above must catch what this project used to do.
        Assert.Matches(Outside, """var root = Environment.GetEnvironmentVariable("TEXTUREBIAS_SHARED");""");
        Assert.Matches(Outside, "see ../shared/data/stimuli");
        Assert.Matches(Outside, """Path.Combine(parent, "shared")""");
        Assert.DoesNotMatch(Outside, "var shared = Options(224);");
        var climb = Climbing.Match("""Include="../../../other/x.csproj" """);
        Assert.True(climb.Success);
        Assert.Equal("../../../other/x.csproj", climb.Groups[1].Value);
    }

    [Fact]
    public void TheBundledStimuliAreComplete()
    {
        // The tests, the README's examples and the commands use these copies (CC BY 4.0, credited).
        string stimuli = Fixture.Stimuli("");
        Assert.True(File.Exists(Path.Combine(stimuli, "LICENSE-CC-BY-4.0.txt")));
        Assert.True(File.Exists(Path.Combine(stimuli, "README.md")));
        Assert.Equal(64, Directory.GetFiles(Path.Combine(stimuli, "cue-conflict-sample"), "*.png", SearchOption.AllDirectories).Length);
        Assert.Equal(160, Directory.GetFiles(Path.Combine(stimuli, "edges"), "*.png", SearchOption.AllDirectories).Length);
        Assert.Equal(160, Directory.GetFiles(Path.Combine(stimuli, "filled-silhouettes"), "*.png", SearchOption.AllDirectories).Length);
    }
}
