using System.CommandLine;
using TextureBias.Cli.Commands;

namespace TextureBias.Cli;

/// <summary>The <c>texturebias</c> command: a thin layer over the TextureBias library.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns the exit code.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand(
            "TextureBias: measure and reduce texture bias in image classifiers (BagNets, Stylized-ImageNet).")
        {
            DemoCommand.Create(),
            ClassifyCommand.Create(),
            EvaluateCommand.Create(),
            TrainCommand.Create(),
            ShapeBiasCommand.Create(),
            Accuracy16Command.Create(),
            ScrambleCommand.Create(),
            CorrelateCommand.Create(),
            RobustnessCommand.Create(),
            HeatmapCommand.Create(),
            PatchesCommand.Create(),
            StylizeCommand.Create(),
            TexturizeCommand.Create(),
            StyleTransferCommand.Create(),
            StyleTransferCommand.CreateCueConflict(),
            TrainDecoderCommand.Create(),
            BenchCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
