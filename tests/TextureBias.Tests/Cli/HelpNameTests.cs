using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>Help names the command as users type it, whatever the executable is called.</summary>
public class HelpNameTests
{
    [Fact]
    public void Help_says_texturebias_not_the_assembly_name()
    {
        var root = CliRunner.Run("--help");
        var sub = CliRunner.Run("classify", "--help");

        Assert.Equal(0, root.ExitCode);
        Assert.Contains("texturebias [command] [options]", root.Stdout);
        Assert.Contains("texturebias classify", sub.Stdout);
        Assert.DoesNotContain("TextureBias.Cli", root.Stdout + sub.Stdout);
    }
}
