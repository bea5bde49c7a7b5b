using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TextureBias.Data;
using TextureBias.Detection;
using TextureBias.Detection.Training;
using TextureBias.Training;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias detect-train</c>: Faster R-CNN on VOC or COCO with torchvision's detection reference recipe, the backbone from a classifier.</summary>
internal static class DetectTrainCommand
{
    public static Command Create()
    {
        var d = new DetectionTrainingOptions();
        var m = FasterRcnnOptions.Torchvision;
        var backbone = new Option<string?>("--backbone") { Description = "Classification checkpoint of a ResNet (18/34/50/101/152; ours, torchvision's, texture-vs-shape's SIN/SIN+IN/Shape-ResNet) or a registered name: the backbone starts from it (not needed with --resume)" };
        var voc = new Option<string?>("--voc") { Description = "VOCdevkit folder (holding VOC2007, VOC2012, …)" };
        var years = new Option<string>("--years") { DefaultValueFactory = _ => "2007", Description = "VOC years to train on, comma-separated (2007,2012: 07+12)" };
        var set = new Option<string>("--set") { DefaultValueFactory = _ => "trainval", Description = "VOC image set (ImageSets/Main/SET.txt)" };
        var coco = new Option<string?>("--coco") { Description = "COCO image folder (e.g. train2017)" };
        var annotations = new Option<string?>("--annotations") { Description = "COCO annotation file (e.g. instances_train2017.json)" };
        var outDir = new Option<string>("--out") { Description = $"Run folder: {DetectionTrainer.CheckpointFile} (torchvision reference format), {DetectionTrainer.MetricsFile} (a folder holding a run needs --resume or --overwrite)", Required = true };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => d.Epochs, Description = "Epochs (torchvision: 26)" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => d.Batch, Description = "Images per step (torchvision: 2 per GPU on 8 GPUs)" };
        var lr = new Option<double?>("--lr") { Description = "Base learning rate (default 0.02 × batch / 16, torchvision's 0.02 for 16 images scaled)" };
        var momentum = new Option<double>("--momentum") { DefaultValueFactory = _ => d.Momentum, Description = "SGD momentum" };
        var wd = new Option<double>("--wd") { DefaultValueFactory = _ => d.WeightDecay, Description = "Weight decay" };
        var steps = new Option<string>("--lr-steps") { DefaultValueFactory = _ => string.Join(",", d.LearningRateSteps), Description = "Epochs (0-based) from which the learning rate is multiplied by --lr-gamma" };
        var gamma = new Option<double>("--lr-gamma") { DefaultValueFactory = _ => d.LearningRateGamma, Description = "Learning-rate factor at each step" };
        var warmup = new Option<int>("--warmup-iterations") { DefaultValueFactory = _ => d.WarmupIterations, Description = "Linear warm-up from lr/1000 over this many steps of epoch 0 (at most the epoch's steps − 1; 0: none)" };
        var trainable = new Option<int>("--trainable-layers") { DefaultValueFactory = _ => m.TrainableBackboneLayers, Description = "Backbone stages that train, from layer4 down (0–5; the others and every batch norm stay frozen)" };
        var minSize = new Option<int>("--min-size") { DefaultValueFactory = _ => m.MinSize, Description = "Images are resized so that their shorter side is this…" };
        var maxSize = new Option<int>("--max-size") { DefaultValueFactory = _ => m.MaxSize, Description = "…unless their longer side would exceed this" };
        var fpnChannels = new Option<int>("--fpn-channels") { DefaultValueFactory = _ => m.FpnChannels, Description = "Channels of the FPN's outputs (smaller: a smaller, faster detector)" };
        var representation = new Option<int>("--representation-size") { DefaultValueFactory = _ => m.RepresentationSize, Description = "Width of the box head's two fully connected layers" };
        var anchors = new Option<string>("--anchor-sizes") { DefaultValueFactory = _ => string.Join(",", m.AnchorSizes), Description = "Anchor sizes in pixels, one per FPN level (five; recorded in the checkpoint for detect and detect-eval)" };
        var workers = new Option<int>("--workers") { DefaultValueFactory = _ => 0, Description = "Image decoding threads (0: one per core)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of the new layers' initialisation, data order, flips and the RPN's and box head's sampling" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its checkpoint (also after Ctrl-C), with the same settings (--epochs may grow)" };
        var overwrite = new Option<bool>("--overwrite", "--force") { Description = "Delete the run in --out and start afresh" };
        var device = DeviceOption.Create();
        var command = new Command("detect-train", "Train a Faster R-CNN (ResNet-FPN) on PASCAL VOC or COCO with torchvision's detection reference recipe, the backbone from a classification checkpoint.")
        {
            backbone, voc, years, set, coco, annotations, outDir, epochs, batch, lr, momentum, wd, steps, gamma, warmup, trainable, minSize, maxSize, fpnChannels, representation, anchors, workers, seed, resume, overwrite, device,
        };
        PathOptions.Declare(inputFolders: [voc, coco], inputFiles: [annotations], outputFolders: [outDir]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var options = new DetectionTrainingOptions
            {
                Model = m with
                {
                    TrainableBackboneLayers = r.GetValue(trainable), MinSize = r.GetValue(minSize), MaxSize = r.GetValue(maxSize),
                    FpnChannels = r.GetValue(fpnChannels), RepresentationSize = r.GetValue(representation), AnchorSizes = AnchorSizes(r.GetValue(anchors)!),
                },
                Epochs = r.GetValue(epochs), Batch = r.GetValue(batch), LearningRate = r.GetValue(lr), Momentum = r.GetValue(momentum), WeightDecay = r.GetValue(wd),
                LearningRateSteps = CommandRunner.Counts(r.GetValue(steps)!, "--lr-steps", "epochs"), LearningRateGamma = r.GetValue(gamma),
                WarmupIterations = r.GetValue(warmup), Workers = r.GetValue(workers), Seed = r.GetValue(seed), Overwrite = r.GetValue(overwrite),
                Device = DeviceOption.Parse(r.GetValue(device)),
            };
            bool resuming = r.GetValue(resume);
            string run = r.GetValue(outDir)!;
            string? weights = r.GetValue(backbone);
            bool hasRun = resuming && File.Exists(Path.Combine(run, DetectionTrainer.CheckpointFile));
            if (weights is null && !hasRun) throw new TextureBiasException("--backbone: give the classification checkpoint the backbone starts from");
            var data = Dataset(r.GetValue(voc), r.GetValue(years)!, r.GetValue(set)!, r.GetValue(coco), r.GetValue(annotations));
            string? backboneFile = hasRun || weights is null ? null : ZooAccess.Resolve(weights, TextureBias.Models.Zoo.WeightKind.Classifier, cancel);
            void Failure(ImageFailure f) => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}");
            void Notice(string message) => Console.Error.WriteLine($"texturebias: {message}");
            IReadOnlyList<DetectionEpochMetrics>? metrics = null;
            void Train(Action<DetectionTrainingProgress>? progress) =>
                metrics = DetectionTrainer.Run(backboneFile, data, run, options, resuming, Failure, progress, cancel, Notice);
            try
            {
                if (!Console.IsErrorRedirected)
                    CommandRunner.Error.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                        .Start(ctx =>
                        {
                            var task = ctx.AddTask("detect-train");
                            Train(p =>
                            {
                                task.MaxValue = Math.Max(1, p.Steps);
                                task.Value = p.Step;
                                task.Description = Markup.Escape(Describe(p));
                            });
                        });
                else Train(null);
            }
            catch (TrainingInterruptedException stopped)
            {
                Console.Error.WriteLine($"texturebias: {stopped.Message}");
                Console.Error.WriteLine($"texturebias: to continue: {ResumeCommand(r)}");
                return CommandRunner.Interrupted;
            }
            foreach (var e in metrics!)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {e.Epoch}: lr {e.LearningRate:G3}  loss {e.Loss:0.0000} (classifier {e.LossClassifier:0.0000}, box {e.LossBoxReg:0.0000}, objectness {e.LossObjectness:0.0000}, rpn box {e.LossRpnBoxReg:0.0000})  " +
                    $"{e.Images} images{(e.SkippedImages > 0 ? $", {e.SkippedImages} skipped" : "")}  {e.ImagesPerS:0.0} images/s"));
            return CommandRunner.Ok;
        }));
        return command;
    }

    /// <summary>The progress bar's text: epoch, the epoch's mean losses so far, and the learning rate.</summary>
    internal static string Describe(DetectionTrainingProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:0.000} (cls {p.Losses["loss_classifier"]:0.000} box {p.Losses["loss_box_reg"]:0.000} " +
        $"obj {p.Losses["loss_objectness"]:0.000} rpn {p.Losses["loss_rpn_box_reg"]:0.000}) lr {p.LearningRate:G3}");

    /// <summary>--anchor-sizes: five positive whole numbers, comma-separated.</summary>
    internal static int[] AnchorSizes(string text)
    {
        int n = FasterRcnnOptions.Torchvision.AnchorSizes.Count;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : -1).ToArray();
        if (sizes.Length != n || sizes.Any(v => v < 1))
            throw new TextureBiasException($"--anchor-sizes '{text}' must be {n} positive whole numbers of pixels, one per FPN level (e.g. {string.Join(",", FasterRcnnOptions.Torchvision.AnchorSizes)})");
        return sizes;
    }

    /// <summary>The training data: VOC years and image set, or a COCO image folder and annotation file.</summary>
    private static DetectionDataset Dataset(string? voc, string years, string set, string? coco, string? annotations)
    {
        if ((voc is null) == (coco is null)) throw new TextureBiasException("give the training data: --voc VOCdevkit (with --years, --set) or --coco FOLDER with --annotations FILE");
        if (coco is not null && annotations is null) throw new TextureBiasException("--coco needs --annotations (the instances_*.json file)");
        if (voc is not null && annotations is not null) throw new TextureBiasException("--annotations goes with --coco, not --voc");
        return voc is not null
            ? VocDataset.Load(voc, years.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), set)
            : CocoDataset.Load(coco!, annotations!, training: true);
    }

    /// <summary>The command line that continues an interrupted run: the same arguments, without --overwrite/--force, with --resume.</summary>
    internal static string ResumeCommand(ParseResult parse)
    {
        var args = parse.Tokens.Select(t => t.Value).ToList();
        int at = args.IndexOf("detect-train");
        if (at >= 0) args = args.Skip(at + 1).ToList();
        var kept = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is "--overwrite" or "--force" or "--resume")
            {
                if (i + 1 < args.Count && args[i + 1] is "true" or "false" or "True" or "False") i++;
                continue;
            }
            kept.Add(args[i]);
        }
        kept.Add("--resume");
        return "texturebias detect-train " + string.Join(" ", kept.Select(Quote));
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=,:+@%".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
}
