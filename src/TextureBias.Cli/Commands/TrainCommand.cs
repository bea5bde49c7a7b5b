using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TextureBias.Data;
using TextureBias.Models;
using TextureBias.Training;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias train</c>: pytorch/examples' ImageNet training on image folders.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var d = new TrainingOptions();
        var arch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)}", Required = true };
        var train = new Option<string>("--train") { Description = "Training folder(s), comma-separated, with the same classes (SIN,IN)", Required = true };
        var val = new Option<string?>("--val") { Description = "Validation folder" };
        var outDir = new Option<string>("--out") { Description = "Run folder: checkpoint.pth.tar, model_best.pth.tar, metrics.csv (a folder holding a run needs --resume or --overwrite)", Required = true };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => d.Epochs, Description = "Epochs" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => d.Batch, Description = "Images per step" };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => d.LearningRate, Description = "Initial learning rate" };
        var momentum = new Option<double>("--momentum") { DefaultValueFactory = _ => d.Momentum, Description = "SGD momentum" };
        var wd = new Option<double>("--wd") { DefaultValueFactory = _ => d.WeightDecay, Description = "Weight decay" };
        var steps = new Option<string>("--lr-steps") { DefaultValueFactory = _ => "30,60", Description = "Epochs at which the learning rate is multiplied by --lr-gamma" };
        var gamma = new Option<double>("--lr-gamma") { DefaultValueFactory = _ => d.LearningRateGamma, Description = "Learning-rate factor at each step" };
        var accumulate = new Option<int>("--accumulate") { DefaultValueFactory = _ => 1, Description = "Micro-batches per step (gradient accumulation)" };
        var init = new Option<string?>("--init") { Description = "Weights to start from: a file or a registered name (e.g. resnet50, as the SIN models started from torchvision's ImageNet ResNet-50)" };
        var numClasses = new Option<int>("--num-classes") { DefaultValueFactory = _ => d.NumClasses, Description = "Outputs of the model" };
        var size = new Option<int>("--image-size") { DefaultValueFactory = _ => d.ImageSize, Description = "Training crop and evaluation crop side" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of shuffling, augmentation and dropout" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its checkpoint.pth.tar (also after Ctrl-C)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Delete the run in --out (checkpoint, best model, metrics) and start afresh" };
        var subset = new Option<string?>("--class-subset") { Description = "File listing the class folders to use (one per line)" };
        var width = new Option<int>("--width") { DefaultValueFactory = _ => d.Width, Description = "Channels of the first stage of a ResNet or BagNet (64: the papers'; smaller for small experiments)" };
        var blocks = new Option<string?>("--blocks") { Description = "Residual blocks per stage of a ResNet or BagNet, e.g. 1,1,1,1 (default: the architecture's)" };
        var bnMomentum = new Option<double?>("--bn-momentum") { Description = "Momentum of every batch norm's running statistics (default: the architecture's; BagNets' stem uses 0.001)" };
        var minScale = new Option<double>("--min-scale") { DefaultValueFactory = _ => d.MinCropScale, Description = "Smallest area fraction of RandomResizedCrop" };
        var device = DeviceOption.Create();
        var amp = AmpOption.Create();
        var command = new Command("train", "Train a classifier on image folders with pytorch/examples' ImageNet recipe.")
        {
            arch, train, val, outDir, epochs, batch, lr, momentum, wd, steps, gamma, accumulate, init, numClasses, size, seed, resume, overwrite, subset, width, blocks, bnMomentum, minScale, device, amp,
        };
        PathOptions.Declare(inputFolderLists: [train], inputFolders: [val], inputFiles: [subset], outputFolders: [outDir]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var options = new TrainingOptions
            {
                Device = DeviceOption.Parse(r.GetValue(device)), Precision = AmpOption.Parse(r.GetValue(amp)),
                Epochs = r.GetValue(epochs), Batch = r.GetValue(batch), LearningRate = r.GetValue(lr), Momentum = r.GetValue(momentum),
                WeightDecay = r.GetValue(wd), LearningRateGamma = r.GetValue(gamma), Accumulate = r.GetValue(accumulate),
                NumClasses = r.GetValue(numClasses), ImageSize = r.GetValue(size), Seed = r.GetValue(seed), Overwrite = r.GetValue(overwrite), Init = r.GetValue(init) is { } start ? ZooAccess.Resolve(start, TextureBias.Models.Zoo.WeightKind.Classifier) : null,
                ClassSubset = r.GetValue(subset), Width = r.GetValue(width), BatchNormMomentum = r.GetValue(bnMomentum), Blocks = r.GetValue(blocks)?.Split(',').Select(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out int k) ? k : throw new TextureBiasException($"--blocks: '{b}' is not a number")).ToList(), MinCropScale = r.GetValue(minScale),
                LearningRateSteps = r.GetValue(steps)!.Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int e) ? e : throw new TextureBiasException($"--lr-steps: '{s}' is not an epoch")).ToList(),
            };
            var roots = r.GetValue(train)!.Split(',', StringSplitOptions.RemoveEmptyEntries);
            void Failure(ImageFailure f) => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}");
            void Notice(string message) => Console.Error.WriteLine($"texturebias: {message}");
            // Each epoch's line as soon as the epoch is saved (a diverged or interrupted run still
            // shows the epochs it completed); under the live progress display through its console,
            // which keeps the display intact.
            bool live = !Console.IsErrorRedirected;
            void Epoch(EpochMetrics m)
            {
                string text = EpochLine(m);
                if (live && !Console.IsOutputRedirected) CommandRunner.Error.WriteLine(text, Spectre.Console.Style.Plain);
                else Console.WriteLine(text);
            }
            void Run(Action<int, int, int, double>? progress) =>
                Trainer.Run(r.GetValue(arch)!, roots, r.GetValue(val), r.GetValue(outDir)!, options, r.GetValue(resume), Failure, progress, cancel, Notice, Epoch);
            try
            {
                if (live)
                    CommandRunner.Error.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                        .Start(ctx =>
                        {
                            var task = ctx.AddTask("train");
                            Run((epoch, step, steps, loss) =>
                            {
                                task.MaxValue = steps;
                                task.Value = step;
                                task.Description = $"epoch {epoch}/{options.Epochs} loss {loss:0.000}";
                            });
                        });
                else Run(null);
            }
            catch (TrainingInterruptedException stopped)
            {
                Console.Error.WriteLine($"texturebias: {stopped.Message}");
                Console.Error.WriteLine($"texturebias: to continue: {ResumeCommand(r)}");
                return CommandRunner.Interrupted;
            }
            return CommandRunner.Ok;
        }));
        return command;
    }

    /// <summary>One epoch's line: learning rate, training loss and accuracy, validation accuracy, speed.</summary>
    internal static string EpochLine(EpochMetrics m) =>
        $"epoch {m.Epoch}: lr {m.LearningRate:G3}  train loss {m.TrainLoss:0.0000} top-1 {m.TrainTop1:0.00}%  " +
        (double.IsNaN(m.ValTop1) ? "no --val" : $"val top-1 {m.ValTop1:0.00}% top-5 {m.ValTop5:0.00}%") + $"  {m.ImagesPerS:0.0} images/s"
        + (m.SkippedSteps > 0 ? $"  {m.SkippedSteps} fp16 step{(m.SkippedSteps == 1 ? "" : "s")} skipped (gradients overflowed)" : "");

    /// <summary>The command line that continues an interrupted run: the same arguments, without --overwrite, with --resume.</summary>
    internal static string ResumeCommand(ParseResult parse)
    {
        var args = parse.Tokens.Select(t => t.Value).ToList();
        int at = args.IndexOf("train");
        if (at >= 0) args = args.Skip(at + 1).ToList();
        var kept = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is "--overwrite" or "--resume")
            {
                if (i + 1 < args.Count && args[i + 1] is "true" or "false" or "True" or "False") i++;
                continue;
            }
            kept.Add(args[i]);
        }
        kept.Add("--resume");
        return "texturebias train " + string.Join(" ", kept.Select(Quote));
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=,:+@%".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
}
