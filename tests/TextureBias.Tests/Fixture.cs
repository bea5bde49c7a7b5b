namespace TextureBias.Tests;

/// <summary>Paths of the committed fixtures and a fresh temporary folder per test class.</summary>
internal static class Fixture
{
    public static string Images(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "images", name);

    public static string Weights(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "weights", name);

    public static string Parity(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "parity", name);

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "TextureBias.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    /// <summary>A file of the repository (examples/chelsea.png, ...).</summary>
    public static string Repository(string relative) => Path.Combine(Root(), relative);

    /// <summary>The stimuli bundled in the repository (data/stimuli: cue-conflict sample, edges, silhouettes; CC BY 4.0).</summary>
    public static string Stimuli(string relative) => Path.Combine(Root(), "data", "stimuli", relative);

    public static string TempDir()
    {
        var path = Path.Combine(Path.GetTempPath(), "texturebias-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
