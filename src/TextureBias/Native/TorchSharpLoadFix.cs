using System.Runtime.InteropServices;

namespace TextureBias.Native;

/// <summary>
/// The start-up half of the GLIBCXX_3.4.32 fix, for apps whose build did not run the TextureBias
/// package's build step (a <c>ProjectReference</c> to the library's project imports no package
/// targets): before TorchSharp loads <c>libLibTorchSharp.so</c> from the app's folder, marks its
/// GLIBCXX_3.4.32 requirement weak there (see <see cref="ElfVersionPatcher"/>). A copy already
/// marked is only read (a few headers), never written. <see cref="TorchRuntime"/> runs it when the
/// library loads; <c>TEXTUREBIAS_NO_NATIVE_FIX=1</c> turns it off.
/// </summary>
public static class TorchSharpLoadFix
{
    /// <summary>The file name of TorchSharp's native library on Linux.</summary>
    public const string LibraryName = "libLibTorchSharp.so";

    /// <summary>Where the app's copies may be: its folder (with a runtime identifier) or runtimes/linux-x64/native (without).</summary>
    public static IReadOnlyList<string> Candidates(string appDirectory) => new[]
    {
        Path.Combine(appDirectory, LibraryName),
        Path.Combine(appDirectory, "runtimes", "linux-x64", "native", LibraryName),
    };

    /// <summary>
    /// Marks the requirement weak in each copy in <paramref name="appDirectory"/> that needs it;
    /// returns one line per copy that needs it but could not be marked and will not load here.
    /// </summary>
    public static IReadOnlyList<string> Apply(string appDirectory)
    {
        var problems = new List<string>();
        foreach (var path in Candidates(appDirectory))
        {
            try
            {
                if (File.Exists(path)) ElfVersionPatcher.MarkWeak(path); // reads the headers; writes only a copy that needs it
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Harmless where the system's libstdc++ has the version (Debian 13, Ubuntu 24.04): the library loads as it is.
                if (NativeLibrary.TryLoad(path, out _)) continue;
                problems.Add($"TextureBias: {path} needs {ElfVersionPatcher.GlibcxxVersion}, which this system's libstdc++ lacks, " +
                             $"and it cannot be marked weak there ({(e is UnauthorizedAccessException ? "the folder is not writable" : e.Message)}), " +
                             "so TorchSharp will not load. Build the app with the " +
                             "TextureBias package (its build step marks the copy in the output folder), or run it once with write access to " +
                             $"{Path.GetDirectoryName(path)}.");
            }
            catch (InvalidDataException e)
            {
                problems.Add($"TextureBias: {path}: {e.Message}");
            }
        }
        return problems;
    }
}
