using System.CommandLine;
using Spectre.Console;
using TextureBias.Demo;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias demo</c>: the papers' findings in miniature, with generated data and small networks.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var outDir = new Option<string?>("--out") { Description = "Run folder (default: texturebias-demo, or texturebias-demo-quick with --quick); a re-run reuses its finished stages" };
        var quick = new Option<bool>("--quick") { Description = "A smaller world and shorter training (about a minute on two cores)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of the world and of training" };
        var vgg = new Option<string?>("--vgg") { Description = "pytorch-AdaIN vgg_normalised.pth (or the registered name vgg_normalised): with --decoder, the stylized training set is made by AdaIN" };
        var decoder = new Option<string?>("--decoder") { Description = "pytorch-AdaIN decoder.pth (or the registered name decoder)" };
        var trainPerClass = new Option<int?>("--train-per-class") { Description = "Training images per class in each training set (default: 400, --quick 160)" };
        var testPerClass = new Option<int?>("--test-per-class") { Description = "Test images per class in each test set (default: 50, --quick 25)" };
        var epochs = new Option<int?>("--epochs") { Description = "Training epochs of each network (default: 12, --quick 8); the learning rate drops tenfold after three quarters" };
        var ownTexture = new Option<double?>("--own-texture") { Description = "How often a natural image wears its class's own texture family (default: 0.95)" };
        var imageSize = new Option<int?>("--image-size") { Description = "Image side of the world in pixels (default: 64)" };
        var detection = new Option<bool>("--detection")
        {
            Description = "Also the detection section: scenes of several objects, a small Faster R-CNN trained from the natural-, the stylized-trained and a random ResNet-18, " +
                "and their VOC mAP (a few minutes more; --quick about one); a finished run gains it when run again with --detection",
        };
        var device = DeviceOption.Create();
        var command = new Command("demo",
            "Reproduce the papers' findings in miniature: generate a texture-shape world, train a small ResNet and BagNet on natural " +
            "and stylized images, measure accuracy, shape bias, scrambling, heatmaps and patches, and write an HTML report; with --detection, also " +
            "train small Faster R-CNNs on scenes of several objects from each ResNet and compare their VOC mAP.")
        {
            outDir, quick, seed, vgg, decoder, trainPerClass, testPerClass, epochs, imageSize, ownTexture, detection, device,
        };
        PathOptions.Declare(outputFolders: [outDir]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            if ((r.GetValue(vgg) is null) != (r.GetValue(decoder) is null)) throw new TextureBiasException("give both --vgg and --decoder, or neither");
            var preset = r.GetValue(quick) ? DemoOptions.Quick : DemoOptions.Full;
            int epochCount = r.GetValue(epochs) ?? preset.Epochs;
            var options = preset with
            {
                Seed = r.GetValue(seed), Vgg = r.GetValue(vgg) is { } v ? ZooAccess.Resolve(v, TextureBias.Models.Zoo.WeightKind.AdaInEncoder) : null, Decoder = r.GetValue(decoder) is { } d ? ZooAccess.Resolve(d, TextureBias.Models.Zoo.WeightKind.AdaInDecoder) : null,
                TrainPerClass = r.GetValue(trainPerClass) ?? preset.TrainPerClass, TestPerClass = r.GetValue(testPerClass) ?? preset.TestPerClass,
                ImageSize = r.GetValue(imageSize) ?? preset.ImageSize, Epochs = epochCount, OwnTexture = r.GetValue(ownTexture) ?? preset.OwnTexture,
                LearningRateSteps = r.GetValue(epochs) is null ? preset.LearningRateSteps : new[] { Math.Max(1, epochCount * 3 / 4) },
                Device = on,
                Detection = r.GetValue(detection) ? (r.GetValue(quick) ? DetectionDemoOptions.Quick : DetectionDemoOptions.Full) : null,
            };
            string dir = r.GetValue(outDir) ?? (r.GetValue(quick) ? "texturebias-demo-quick" : "texturebias-demo");
            Console.Error.WriteLine($"texturebias: demo ({options.Name}) in {Path.GetFullPath(dir)}; Ctrl-C stops it, running it again continues");
            void Log(string message) => Console.Error.WriteLine($"texturebias: {message}");
            DemoResult? result = null;
            if (!Console.IsErrorRedirected)
                CommandRunner.Error.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var tasks = new Dictionary<string, ProgressTask>();
                        void Report(DemoProgress p)
                        {
                            lock (tasks)
                            {
                                if (!tasks.TryGetValue(p.Stage, out var task)) tasks[p.Stage] = task = ctx.AddTask(p.Stage, maxValue: Math.Max(1, p.Total));
                                task.MaxValue = Math.Max(1, p.Total);
                                task.Value = Math.Min(p.Done, task.MaxValue);
                                task.Description = Markup.Escape(p.Detail is null ? p.Stage : $"{p.Stage} ({p.Detail})");
                            }
                        }
                        result = TextureShapeDemo.Run(dir, options, Report, Log, cancel);
                    });
            else
            {
                var seen = new HashSet<string>();
                result = TextureShapeDemo.Run(dir, options, p =>
                {
                    lock (seen)
                        if (seen.Add(p.Stage)) Console.Error.WriteLine($"texturebias: {p.Stage}{(p.Detail == "reused" ? " (reused)" : "...")}");
                }, Log, cancel);
            }
            Console.WriteLine(result!.Table);
            Console.WriteLine();
            foreach (var s in result.Findings.Statements) Console.WriteLine(s);
            Console.WriteLine();
            Console.WriteLine(result.Findings.Reproduced ? "This run reproduced the papers' findings." : "This run did not reproduce all of the papers' findings.");
            if (result.Detection is { } det)
            {
                Console.WriteLine();
                Console.WriteLine($"Detection: VOC AP@0.5 in percent on {det.TestScenes} test scenes ({det.TrainScenes} trained on)");
                Console.WriteLine(det.Table);
                Console.WriteLine(det.Finding);
            }
            Console.WriteLine($"Report: {Path.GetFullPath(result.Report)}");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
