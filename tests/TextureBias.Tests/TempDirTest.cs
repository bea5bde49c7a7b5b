namespace TextureBias.Tests;

/// <summary>A test class with a fresh temporary folder, deleted afterwards.</summary>
public abstract class TempDirTest : IDisposable
{
    /// <summary>The folder.</summary>
    protected readonly string _dir = Fixture.TempDir();

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> in the folder and returns its path.</summary>
    protected string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
