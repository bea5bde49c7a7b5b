using System.Text.Json;
using System.Xml.Linq;
using Xunit;

namespace TextureBias.Tests.Packaging;

/// <summary>
/// The build property of the CUDA build (README "GPUs"): <c>-p:TorchBackend=cuda</c> references
/// TorchSharp-cuda-linux instead of TorchSharp-cpu, the default stays the CPU package, and any
/// other value stops the build with one line. The CUDA package is not served to this machine, so
/// the project is only evaluated (MSBuild's -getItem, no restore) and read, never restored.
/// </summary>
public class TorchBackendTests
{
    private static string LibraryProject => Fixture.Repository("src/TextureBias/TextureBias.csproj");

    /// <summary>The TorchSharp package references (TorchSharp-*) of the library's project as MSBuild evaluates it.</summary>
    private static List<(string Name, string Version)> TorchSharpReferences(params string[] properties)
    {
        var args = new List<string> { "msbuild", LibraryProject, "-getItem:PackageReference", "-nologo" };
        args.AddRange(properties.Select(p => "-p:" + p));
        var result = DotnetCommand.Run(Path.GetDirectoryName(LibraryProject)!, TimeSpan.FromMinutes(2), args.ToArray());
        Assert.True(result.ExitCode == 0, result.Describe("dotnet msbuild -getItem:PackageReference"));
        string json = result.Output[result.Output.IndexOf('{')..];
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(e => (e.GetProperty("Identity").GetString()!, e.GetProperty("Version").GetString()!))
            .Where(r => r.Item1.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    [Fact]
    public void The_default_build_references_the_CPU_package_only()
    {
        Assert.Equal(new[] { ("TorchSharp-cpu", "0.107.0") }, TorchSharpReferences());
        Assert.Equal(new[] { ("TorchSharp-cpu", "0.107.0") }, TorchSharpReferences("TorchBackend=cpu"));
    }

    [Fact]
    public void TorchBackend_cuda_references_the_CUDA_package_instead_of_the_CPU_one()
    {
        Assert.Equal(new[] { ("TorchSharp-cuda-linux", "0.107.0") }, TorchSharpReferences("TorchBackend=cuda"));
    }

    [Fact]
    public void An_unknown_backend_stops_the_build_with_one_line()
    {
        var result = DotnetCommand.Run(Path.GetDirectoryName(LibraryProject)!, TimeSpan.FromMinutes(2),
            "msbuild", LibraryProject, "-t:CollectPackageReferences", "-p:TorchBackend=rocm", "-nologo");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error TEXTUREBIAS002: TextureBias: TorchBackend=rocm is not a backend", result.Output);
    }

    [Fact]
    public void The_project_file_switches_the_reference_on_the_property_and_the_GLIBCXX_fix_names_no_backend()
    {
        var project = XDocument.Load(LibraryProject);
        var references = project.Descendants("PackageReference")
            .Where(r => ((string?)r.Attribute("Include"))?.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase) == true)
            .ToDictionary(r => (string)r.Attribute("Include")!, r => (string?)r.Parent!.Attribute("Condition") ?? "");
        Assert.Equal(new[] { "TorchSharp-cpu", "TorchSharp-cuda-linux" }, references.Keys.Order());
        Assert.Equal("'$(TorchBackend)' == 'cpu'", references["TorchSharp-cpu"]);
        Assert.Equal("'$(TorchBackend)' == 'cuda'", references["TorchSharp-cuda-linux"]);
        var defaultBackend = project.Descendants("TorchBackend").Single();
        Assert.Equal("cpu", defaultBackend.Value);
        Assert.Equal("'$(TorchBackend)' == ''", (string?)defaultBackend.Attribute("Condition"));

        // Both packages bring TorchSharp's libLibTorchSharp.so: the build step marks it by file name,
        // whichever package it came from.
        var targets = XDocument.Load(Fixture.Repository("src/TextureBias/build/TextureBias.targets"));
        var marked = targets.Descendants().Where(e => e.Name.LocalName.StartsWith("_TextureBias") && e.Name.LocalName.EndsWith("NativeLibrary"))
            .Select(e => (string)e.Attribute("Include")!).ToList();
        Assert.NotEmpty(marked);
        Assert.All(marked, include => Assert.EndsWith("libLibTorchSharp.so", include));
        Assert.DoesNotContain("cpu", string.Join(";", marked), StringComparison.OrdinalIgnoreCase);
    }
}
