namespace TextureBias.Tests;

/// <summary>A test class with a fresh temporary folder, deleted afterwards.</summary>
public abstract class TempDirTest : IDisposable
{
    /// <summary>The folder.</summary>
    protected readonly string _dir = Fixture.TempDir();

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
