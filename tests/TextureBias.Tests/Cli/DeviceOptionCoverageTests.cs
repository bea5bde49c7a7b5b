using System.CommandLine;
using TextureBias.Cli;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>
/// Issue 17: <c>--device</c> on every command that runs a network, <c>--amp</c> where training
/// or stylization runs; a new command must be put in one list or the other.
/// </summary>
public class DeviceOptionCoverageTests
{
    private static readonly string[] RunNetworks =
    {
        "classify", "evaluate", "consistency", "train", "heatmap", "patches", "shape-bias", "accuracy16", "scramble",
        "correlate", "robustness", "stylize", "train-decoder", "texturize", "style-transfer", "cue-conflict",
        "attribute", "mask", "interactions", "compare-bagnet", "demo", "detect-train",
        "bench forward", "bench heatmap", "bench stylize", "bench train", "bench texturize", "bench attribute",
        "bench mask", "bench interactions", "bench peak", "bench all", "detect", "detect-eval",
    };

    private static readonly string[] NoNetwork =
    {
        "texturebias", "weights", "weights list", "weights show", "weights fetch", "weights import", "weights verify",
        "weights path", "distort", "bench", "bench distort",
    };

    private static readonly string[] Amp = { "train", "train-decoder", "stylize", "bench train", "bench stylize" };

    private static IEnumerable<(string Name, Command Command)> Commands()
    {
        var pending = new Stack<(string, Command)>();
        pending.Push(("texturebias", Program.CreateRoot()));
        while (pending.Count > 0)
        {
            var (name, command) = pending.Pop();
            yield return (name, command);
            foreach (var sub in command.Subcommands)
                pending.Push((name == "texturebias" ? sub.Name : $"{name} {sub.Name}", sub));
        }
    }

    [Fact]
    public void Every_command_that_runs_a_network_takes_device_and_every_command_is_classified()
    {
        var all = Commands().ToList();
        Assert.True(all.Count >= RunNetworks.Length + NoNetwork.Length, $"only {all.Count} commands found");
        var unclassified = all.Select(c => c.Name).Where(n => !RunNetworks.Contains(n) && !NoNetwork.Contains(n)).ToList();
        Assert.True(unclassified.Count == 0, "commands in neither list: " + string.Join(", ", unclassified));
        var missing = all.Where(c => RunNetworks.Contains(c.Name) && !c.Command.Options.Any(o => o.Name == "--device")).Select(c => c.Name).ToList();
        Assert.True(missing.Count == 0, "commands without --device: " + string.Join(", ", missing));
        var stray = all.Where(c => NoNetwork.Contains(c.Name) && c.Command.Options.Any(o => o.Name == "--device")).Select(c => c.Name).ToList();
        Assert.Empty(stray);
        Assert.Equal(RunNetworks.Length, all.Count(c => RunNetworks.Contains(c.Name)));
    }

    [Fact]
    public void Training_and_stylization_take_amp()
    {
        var all = Commands().ToDictionary(c => c.Name, c => c.Command);
        var missing = Amp.Where(n => !all[n].Options.Any(o => o.Name == "--amp")).ToList();
        Assert.True(missing.Count == 0, "commands without --amp: " + string.Join(", ", missing));
    }
}
