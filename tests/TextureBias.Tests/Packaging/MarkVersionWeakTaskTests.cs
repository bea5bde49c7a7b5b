using TextureBias.Native;
using TextureBias.Tests.Native;
using Xunit;

namespace TextureBias.Tests.Packaging;

/// <summary>
/// The build step itself (build/TextureBias.targets, its task compiled from the library's
/// ElfVersionPatcher.cs by MSBuild): marks a copy, and run again leaves it exactly as it was.
/// </summary>
public class MarkVersionWeakTaskTests : TempDirTest
{
    [Fact]
    public void Running_the_task_twice_marks_once_and_then_changes_nothing()
    {
        var lib = Path.Combine(_dir, "out", "libLibTorchSharp.so");
        Directory.CreateDirectory(Path.GetDirectoryName(lib)!);
        File.Copy(NuGetFolders.PackagedLibTorchSharp(), lib);
        var time = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(lib, time);
        var targets = Fixture.Repository("src/TextureBias/build/TextureBias.targets");
        var source = Fixture.Repository("src/TextureBias/Native/ElfVersionPatcher.cs");
        var project = Path.Combine(_dir, "mark.proj");
        File.WriteAllText(project, $"""
            <Project>
              <PropertyGroup><TextureBiasElfPatcherSource>{source}</TextureBiasElfPatcherSource></PropertyGroup>
              <Import Project="{targets}" />
              <Target Name="Mark"><TextureBiasMarkVersionWeak Files="out/libLibTorchSharp.so;out/absent.so" /></Target>
            </Project>
            """);

        var first = DotnetCommand.Run(_dir, TimeSpan.FromMinutes(3), "msbuild", project, "-t:Mark", "-nologo", "-nodeReuse:false");
        Assert.True(first.ExitCode == 0, first.Describe("dotnet msbuild (first)"));
        Assert.Contains("marked GLIBCXX_3.4.32 weak", first.Output);
        Assert.Equal(ElfVersionPatcher.Requirement.Weak, ElfVersionPatcher.Inspect(lib));
        Assert.Equal(time, File.GetLastWriteTimeUtc(lib));
        var bytes = File.ReadAllBytes(lib);
        var other = Path.Combine(_dir, "other-name");
        FileIdentity.HardLink(lib, other);

        var second = DotnetCommand.Run(_dir, TimeSpan.FromMinutes(3), "msbuild", project, "-t:Mark", "-nologo", "-nodeReuse:false");
        Assert.True(second.ExitCode == 0, second.Describe("dotnet msbuild (second)"));
        Assert.DoesNotContain("marked", second.Output);
        Assert.Equal(bytes, File.ReadAllBytes(lib));
        Assert.Equal(time, File.GetLastWriteTimeUtc(lib));
        Assert.True(FileIdentity.Same(lib, other), "the second run replaced the marked file");
    }
}
