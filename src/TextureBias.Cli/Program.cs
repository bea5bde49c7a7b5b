using System.CommandLine;
using System.CommandLine.Help;
using TextureBias.Cli.Commands;

namespace TextureBias.Cli;

/// <summary>The <c>texturebias</c> command: a thin layer over the TextureBias library.</summary>
public static class Program
{
    /// <summary>
    /// Runs the command line and returns the exit code: mistakes on the command line (an unknown
    /// option, a missing value, a wrong path) are one line and exit code 2 before any work.
    /// </summary>
    public static int Main(string[] args)
    {
        try
        {
            TextureBias.Models.Serialization.WeightFile.Warning = CommandRunner.Warn;
            var root = CreateRoot();
            var parsed = root.Parse(args);
            if (UsageErrors.Report(parsed) is { } exitCode) return exitCode;
            ZooAccess.Offline = parsed.GetValue<bool>("--offline");
            ZooAccess.CacheDir = parsed.GetValue<string?>("--cache-dir");
            return parsed.Invoke();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(CommandRunner.InternalError(e));
            return CommandRunner.Failed;
        }
    }

    /// <summary>The command tree: every command, its options and the global ones.</summary>
    public static Command CreateRoot()
    {
        // Named here: a RootCommand takes its name from the executable (TextureBias.Cli, testhost).
        var root = new Command("texturebias",
            "TextureBias: measure and reduce texture bias in image classifiers (BagNets, Stylized-ImageNet).")
        {
            new HelpOption(),
            new VersionOption(),
            DemoCommand.Create(),
            ClassifyCommand.Create(),
            EvaluateCommand.Create(),
            TrainCommand.Create(),
            DetectTrainCommand.Create(),
            ShapeBiasCommand.Create(),
            Accuracy16Command.Create(),
            ScrambleCommand.Create(),
            CorrelateCommand.Create(),
            InteractionsCommand.Create(),
            RobustnessCommand.Create(),
            DistortCommand.Create(),
            ConsistencyCommand.Create(),
            HeatmapCommand.Create(),
            AttributeCommand.Create(),
            CompareBagNetCommand.Create(),
            MaskCommand.Create(),
            PatchesCommand.Create(),
            StylizeCommand.Create(),
            TexturizeCommand.Create(),
            StyleTransferCommand.Create(),
            StyleTransferCommand.CreateCueConflict(),
            TrainDecoderCommand.Create(),
            WeightsCommand.Create(),
            BenchCommand.Create(),
            DetectCommand.Create(),
            DetectEvalCommand.Create(),
        };
        var offline = new Option<bool>("--offline")
        {
            Description = "Never download: weights named with --weights NAME must already be cached (also TEXTUREBIAS_OFFLINE=1)",
            Recursive = true,
        };
        var cacheDir = new Option<string?>("--cache-dir")
        {
            Description = "Folder of downloaded weights (default $TEXTUREBIAS_CACHE/weights, else ~/.cache/texturebias/weights)",
            Recursive = true,
        };
        root.Options.Add(offline);
        root.Options.Add(cacheDir);
        return root;
    }
}
