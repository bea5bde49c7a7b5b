using System.Security;
using TextureBias.Data;
using TextureBias.Native;
using Xunit;

namespace TextureBias.Tests.Packaging;

/// <summary>
/// examples/Consumer, built as a project outside the repository against the packed library:
/// the package's own build step (buildTransitive) marks GLIBCXX_3.4.32 weak in its output, a
/// second build copies and patches nothing, and the program classifies examples/chelsea.png.
/// </summary>
public class ConsumerExampleTests : TempDirTest
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void The_consumer_example_builds_and_runs_against_the_packed_library()
    {
        // A version no cache can hold, so restore takes this package and never a stale one.
        var version = $"0.0.0-test.{Guid.NewGuid():N}";
        var feed = Path.Combine(_dir, "feed");
        var pack = DotnetCommand.Run(_dir, Timeout, "pack", Fixture.Repository("src/TextureBias/TextureBias.csproj"),
            "-c", Configuration, "--no-build", "--no-restore", "-o", feed, $"-p:PackageVersion={version}",
            $"-p:NuspecOutputPath={Path.Combine(_dir, "nuspec")}/");
        Assert.True(pack.ExitCode == 0, pack.Describe("dotnet pack"));

        var consumer = Path.Combine(_dir, "Consumer");
        CopyExample(Fixture.Repository("examples/Consumer"), consumer);
        // This package into a private packages folder; TorchSharp and the rest from this machine's
        // packages folder (read only, as a fallback folder) or the usual sources.
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{SecurityElement.Escape(Path.Combine(_dir, "packages"))}" /></config>
              <packageSources><add key="texturebias-test" value="{SecurityElement.Escape(feed)}" /></packageSources>
              <fallbackPackageFolders><add key="machine" value="{SecurityElement.Escape(NuGetFolders.GlobalPackages)}" /></fallbackPackageFolders>
            </configuration>
            """);
        string[] build = { "build", consumer, "-c", "Release", $"-p:TextureBiasVersion={version}", "--disable-build-servers", "-v:n" };

        var first = DotnetCommand.Run(consumer, Timeout, build);
        Assert.True(first.ExitCode == 0, first.Describe("dotnet build examples/Consumer"));
        var output = Path.Combine(consumer, "bin", "Release", "net10.0", "linux-x64");
        var lib = Path.Combine(output, TorchSharpLoadFix.LibraryName);
        // Marked by the build (before the program runs, so not by the library's start-up fix).
        Assert.True(ElfVersionPatcher.Inspect(lib) == ElfVersionPatcher.Requirement.Weak, first.Describe("the build left libLibTorchSharp.so unmarked; dotnet build"));
        Assert.Contains($"marked {ElfVersionPatcher.GlibcxxVersion} weak", first.Output);
        Assert.Equal(ElfVersionPatcher.Requirement.Strong, ElfVersionPatcher.Inspect(NuGetFolders.PackagedLibTorchSharp()));

        var second = DotnetCommand.Run(consumer, Timeout, build);
        Assert.True(second.ExitCode == 0, second.Describe("dotnet build examples/Consumer (again)"));
        Assert.False(second.Output.Contains(TorchSharpLoadFix.LibraryName), second.Describe("an incremental build copied or patched libLibTorchSharp.so again; dotnet build"));

        var run = DotnetCommand.Run(consumer, Timeout, Path.Combine(output, "Consumer.dll"), Fixture.Repository("examples/chelsea.png"));
        Assert.True(run.ExitCode == 0, run.Describe("Consumer"));
        var line = run.Output.Split('\n').SingleOrDefault(l => l.StartsWith("top class: ", StringComparison.Ordinal));
        Assert.True(line != null, run.Describe("Consumer printed no top class;"));
        var name = line!["top class: ".Length..line.LastIndexOf(" (", StringComparison.Ordinal)];
        Assert.Contains(name, ImageNetClasses.Names);
    }

    /// <summary>Copies the example's sources (not a bin/ or obj/ of someone's earlier build).</summary>
    private static void CopyExample(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        Assert.True(File.Exists(Path.Combine(to, "Consumer.csproj")), $"no Consumer.csproj in {from}");
    }
}
