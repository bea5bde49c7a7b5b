using TorchSharp;

namespace TextureBias.Tests.Packaging;

/// <summary>Where this machine's NuGet keeps packages, and TorchSharp's untouched native library there (read only!).</summary>
internal static class NuGetFolders
{
    private static readonly Lazy<string> Global = new(() =>
    {
        var r = DotnetCommand.Run(Path.GetTempPath(), TimeSpan.FromMinutes(1), "nuget", "locals", "global-packages", "--list");
        var line = r.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("global-packages:", StringComparison.Ordinal));
        if (r.ExitCode != 0 || line == null) throw new InvalidOperationException(r.Describe("dotnet nuget locals global-packages --list"));
        return line["global-packages:".Length..].Trim();
    });

    /// <summary>The global packages folder (~/.nuget/packages unless configured otherwise).</summary>
    public static string GlobalPackages => Global.Value;

    /// <summary>libLibTorchSharp.so as the TorchSharp package ships it, of the TorchSharp this test project uses.</summary>
    public static string PackagedLibTorchSharp()
    {
        var v = typeof(torch).Assembly.GetName().Version!;
        var path = Path.Combine(GlobalPackages, "torchsharp", $"{v.Major}.{v.Minor}.{v.Build}", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(path)) throw new InvalidOperationException($"TorchSharp's native library is not at {path}");
        return path;
    }
}
