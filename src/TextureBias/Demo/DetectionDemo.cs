using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Detection;
using TextureBias.Detection.Training;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Reports;
using TextureBias.Training;
using TorchSharp;

namespace TextureBias.Demo;

/// <summary>
/// The demo's detection section, the Stylized-ImageNet paper's transfer experiment in miniature: scenes of several of
/// the world's objects (<see cref="DetectionScenes"/>, written as a VOC devkit), a small Faster R-CNN trained with
/// <see cref="DetectionTrainer"/> on each of the demo's ResNet-18 backbones (natural-trained, stylized-trained and,
/// as a baseline, random), and each detector's VOC mAP@0.5 on the test scenes with <see cref="DetectionEvaluation"/>.
/// Every stage keeps its output under <c>detection/</c> in the run folder, so a re-run reuses what is finished and
/// continues a detector's training from its last checkpoint.
/// </summary>
public static class DetectionDemo
{
    /// <summary>The section's folder in the demo's run folder.</summary>
    public const string Folder = "detection";

    /// <summary>The file in <see cref="Folder"/> that records the section's settings.</summary>
    public const string SettingsFile = "settings.txt";

    /// <summary>The VOC year the scenes are written as.</summary>
    public const string Year = "2007";

    /// <summary>Test scenes shown in the figure.</summary>
    public const int FigureScenes = 4;

    /// <summary>The best-scoring detections of each image drawn in the figure (whatever their scores: a briefly trained detector scores low).</summary>
    public const int FigureDetections = 3;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The scenes of a demo run: seeded by the demo's seed, its objects as large and as textured as the world's.</summary>
    public static DetectionScenes Scenes(DemoOptions demo, DetectionDemoOptions options)
    {
        // The world's objects have radii of 0.27–0.40 of its images; here down to 0.8 times its smallest.
        double max = Math.Min(0.3, 0.4 * demo.ImageSize / options.SceneSize), min = Math.Min(max, 0.8 * 0.27 * demo.ImageSize / options.SceneSize);
        return new(options.SceneSize, Seeds.Mix(demo.Seed, 18), demo.OwnTexture, options.MinObjects, options.MaxObjects, min, max, textureTile: demo.ImageSize);
    }

    /// <summary>The backbones the detectors start from: natural, stylized and (with <see cref="DetectionDemoOptions.RandomBaseline"/>) random.</summary>
    public static IReadOnlyList<string> Backbones(DetectionDemoOptions options) =>
        options.RandomBaseline ? new[] { "natural", "stylized", "random" } : new[] { "natural", "stylized" };

    /// <summary>The display name of a detector.</summary>
    public static string Label(string backbone) => backbone == "random" ? "ResNet-18 · random weights" : $"ResNet-18 · {backbone}";

    /// <summary>
    /// Runs (or continues) the detection section in <paramref name="outDir"/>, a demo run folder whose ResNet-18s are trained
    /// (<c>models/resnet18-natural</c> and <c>models/resnet18-stylized</c>).
    /// </summary>
    /// <exception cref="TextureBiasException">The section's folder holds a run with other settings, or a backbone is missing.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; everything finished so far is kept.</exception>
    public static DetectionDemoResult Run(string outDir, DemoOptions demo, DetectionDemoOptions options, Action<DemoProgress>? progress = null,
        Action<string>? log = null, CancellationToken cancel = default)
    {
        options.Validate();
        string dir = Path.Combine(outDir, Folder);
        PrepareFolder(dir, options);

        string devkit = Path.Combine(dir, "VOCdevkit");
        const string sceneStage = "detection: scenes";
        long total = options.TrainScenes + options.TestScenes;
        if (Directory.Exists(devkit)) progress?.Invoke(new DemoProgress(sceneStage, total, total, "reused"));
        else Scenes(demo, options).WriteVoc(devkit, options.TrainScenes, options.TestScenes, n => progress?.Invoke(new DemoProgress(sceneStage, n, total)), cancel);
        var train = VocDataset.Load(devkit, new[] { Year }, "trainval", DetectionScenes.ClassNames);
        var test = VocDataset.Load(devkit, new[] { Year }, "test", DetectionScenes.ClassNames);

        var detectors = new List<DetectorResult>();
        foreach (var backbone in Backbones(options))
        {
            cancel.ThrowIfCancellationRequested();
            detectors.Add(TrainAndEvaluate(backbone, outDir, dir, train, test, demo, options, progress, log, cancel));
        }

        string figures = Path.Combine(outDir, "figures");
        Directory.CreateDirectory(figures);
        string figure = Path.Combine(figures, "detections.png");
        DrawFigure(figure, dir, test, detectors);

        double chance = ChanceMeanAp(test, 20, 5, Seeds.Mix(demo.Seed, 18, 4));
        var (better, finding) = Judge(detectors, chance);
        string table = Table(detectors);
        var result = new DetectionDemoResult(detectors, better, finding, table, figure, train.Samples.Count, test.Samples.Count, chance);
        AtomicFile.WriteText(Path.Combine(dir, "results.json"), JsonSerializer.Serialize(new
        {
            settings = options.Name, train_scenes = train.Samples.Count, test_scenes = test.Samples.Count, detectors, chance_map = chance, stylized_better = better, finding,
        }, Json));
        AtomicFile.WriteText(Path.Combine(dir, "results.txt"), table + "\n" + finding + "\n");
        return result;
    }

    private static void PrepareFolder(string dir, DetectionDemoOptions options)
    {
        string settings = Path.Combine(dir, SettingsFile);
        string fingerprint = options.Fingerprint();
        if (File.Exists(settings))
        {
            var old = File.ReadAllText(settings);
            if (old != fingerprint)
            {
                var differs = old.Split('\n').Zip(fingerprint.Split('\n')).FirstOrDefault(p => p.First != p.Second);
                throw new TextureBiasException($"{dir} holds a detection section with other settings ({differs.First} there, {differs.Second} now); choose another --out or delete {dir}");
            }
            return;
        }
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new TextureBiasException($"{dir} is not empty and holds no detection section ({SettingsFile} is missing); delete it or choose another --out");
        Directory.CreateDirectory(dir);
        AtomicFile.WriteText(settings, fingerprint);
    }

    /// <summary>The classification checkpoint a detector's backbone starts from; the random one is written on first use.</summary>
    private static string BackboneFile(string backbone, string outDir, string dir, DemoOptions demo, DetectionDataset train)
    {
        if (backbone != "random")
        {
            string path = Path.Combine(outDir, "models", $"resnet18-{backbone}", Trainer.CheckpointFile);
            if (!File.Exists(path)) throw new TextureBiasException($"{path}: no such file (the demo's ResNet-18 trained on {backbone} images); run the demo first");
            return path;
        }
        string random = Path.Combine(dir, "random-backbone.pth.tar");
        if (!File.Exists(random))
        {
            var scenes = train.Samples.Take(32).Select(s => ImageDecoder.Decode(s.ImagePath)).ToList();
            WriteRandomBackbone(random, demo.Width, scenes, Seeds.Mix(demo.Seed, 18, 3));
        }
        return random;
    }

    /// <summary>
    /// Writes a ResNet-18 classification checkpoint with random weights (PyTorch's initialisation, seeded) whose batch norms'
    /// statistics are those of <paramref name="images"/> (normalised as the detector normalises them): the baseline
    /// backbone. Without data statistics, the detector's frozen batch norms would leave a random network's activations
    /// unnormalised, growing or shrinking from layer to layer, which no trained backbone has.
    /// </summary>
    public static void WriteRandomBackbone(string path, int width, IReadOnlyList<RgbImage> images, int seed)
    {
        if (images.Count < 2) throw new TextureBiasException("the random backbone's batch-norm statistics need at least two images");
        torch.manual_seed(seed);
        using var model = Architectures.Create("resnet18", TextureShapeWorld.Classes, width);
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            foreach (var m in model.modules())
                if (m is TorchSharp.Modules.BatchNorm2d bn) bn.momentum = 1.0; // the running statistics become the batch's
            var batch = torch.stack(images.Select(i => Preprocessing.Normalize(i.ToTensor())).ToArray());
            model.train();
            model.forward(batch);
            foreach (var m in model.modules())
                if (m is TorchSharp.Modules.BatchNorm2d bn) bn.momentum = 0.1;
        }
        model.eval();
        ModelWeights.SaveCheckpoint(model, path);
    }

    private static DetectorResult TrainAndEvaluate(string backbone, string outDir, string dir, DetectionDataset train, DetectionDataset test, DemoOptions demo,
        DetectionDemoOptions options, Action<DemoProgress>? progress, Action<string>? log, CancellationToken cancel)
    {
        string name = $"detector-{backbone}", label = Label(backbone);
        string resultPath = Path.Combine(dir, "results", name + ".json");
        if (File.Exists(resultPath) && JsonSerializer.Deserialize<DetectorResult>(File.ReadAllText(resultPath), Json) is { } cached)
        {
            progress?.Invoke(new DemoProgress($"detection: train {label}", 1, 1, "reused"));
            progress?.Invoke(new DemoProgress($"detection: evaluate {label}", 1, 1, "reused"));
            return cached;
        }

        string runDir = Path.Combine(dir, "models", name);
        var training = new DetectionTrainingOptions
        {
            Model = options.Model(), Epochs = options.Epochs, Batch = options.Batch, LearningRate = options.LearningRate,
            LearningRateSteps = options.LearningRateSteps, WarmupIterations = options.WarmupIterations,
            // The same seed for every backbone: the same new layers, data order, flips and sampling, so the backbone is the only difference.
            Seed = Seeds.Mix(demo.Seed, 18, 1), Device = demo.Device,
        };
        string stage = $"detection: train {label}";
        var clock = Stopwatch.StartNew();
        var metrics = DetectionTrainer.Run(BackboneFile(backbone, outDir, dir, demo, train), train, runDir, training, resume: true,
            f => log?.Invoke($"skipped {f.Path}: {f.Reason}"),
            p => progress?.Invoke(new DemoProgress(stage, (long)(p.Epoch - 1) * p.Steps + p.Step, (long)p.Epochs * p.Steps, $"epoch {p.Epoch}/{p.Epochs}, loss {p.Loss:0.000}")),
            cancel);
        double seconds = clock.Elapsed.TotalSeconds;
        progress?.Invoke(new DemoProgress(stage, 1, 1));

        string evalStage = $"detection: evaluate {label}";
        string csv = Path.Combine(dir, "results", name + "-detections.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
        using (var model = FasterRcnn.Load(Path.Combine(runDir, DetectionTrainer.CheckpointFile), options.Model()))
            DetectionEvaluation.Detect(model, test, csv, vocCoordinates: true, demo.Device, f => log?.Invoke($"skipped {f.Path}: {f.Reason}"),
                n => progress?.Invoke(new DemoProgress(evalStage, n, test.Samples.Count)), cancel);
        var rows = DetectionFiles.ReadCsv(csv);
        var area = DetectionEvaluation.ScoreVoc(test, rows, VocApMetric.Area, csv);
        var eleven = DetectionEvaluation.ScoreVoc(test, rows, VocApMetric.ElevenPoint, csv);
        var result = new DetectorResult(name, label, backbone, area.MeanAp, eleven.MeanAp, area.Classes.ToDictionary(c => c.ClassName, c => c.Ap),
            metrics.Count > 0 ? metrics[^1].Loss : double.NaN, seconds);
        AtomicFile.WriteText(resultPath, JsonSerializer.Serialize(result, Json));
        return result;
    }

    /// <summary>Whether the stylized-trained backbone transferred better than the natural-trained one, and the sentence that says so.</summary>
    public static (bool StylizedBetter, string Finding) Judge(IReadOnlyList<DetectorResult> detectors, double chance = double.NaN)
    {
        var natural = detectors.First(d => d.Backbone == "natural");
        var stylized = detectors.First(d => d.Backbone == "stylized");
        var random = detectors.FirstOrDefault(d => d.Backbone == "random");
        static string P(double v) => double.IsNaN(v) ? "undefined" : (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        double gap = 100 * (stylized.MeanAp - natural.MeanAp);
        bool better = gap > DetectionDemoResult.Margin;
        string numbers = $"mAP@0.5 {P(stylized.MeanAp)} from the stylized-trained backbone against {P(natural.MeanAp)} from the natural-trained one" +
            (random is null ? "" : $", {P(random.MeanAp)} from random weights") + (double.IsNaN(chance) ? "" : $", {P(chance)} for boxes placed at random");
        string paper = "the paper reports that the Stylized-ImageNet-trained backbone transfers better (Faster R-CNN, VOC 2007 mAP@0.5 70.7% → 75.1%)";
        string finding = better
            ? $"Agrees with the paper: {numbers}; {paper}."
            : gap < -DetectionDemoResult.Margin
                ? $"Does not agree with the paper: here the natural-trained backbone transfers better, {numbers}; {paper}."
                : $"Inconclusive: the two backbones are within {DetectionDemoResult.Margin:0} points of each other, {numbers}; {paper}.";
        if (Math.Max(natural.MeanAp, stylized.MeanAp) < WeakBelow)
            finding += $" Both detectors are still weak (mAP under {100 * WeakBelow:0}%) after so short a training, so this says little either way.";
        return (better, finding);
    }

    /// <summary>The mAP under which both detectors count as too weakly trained for the comparison to mean much.</summary>
    public const double WeakBelow = 0.3;

    /// <summary>
    /// The chance level: the mean, over <paramref name="trials"/> draws, of the VOC mAP@0.5 (area metric) of <paramref name="perImage"/>
    /// boxes per image of the ground truth's sizes (each drawn from the sizes of all objects of <paramref name="data"/>) at uniformly
    /// random places, with random classes and scores.
    /// </summary>
    public static double ChanceMeanAp(DetectionDataset data, int perImage, int trials, int seed)
    {
        var truth = VocDataset.GroundTruth(data);
        var sizes = data.Samples.SelectMany(s => s.Objects).Select(o => (W: o.X2 - o.X1, H: o.Y2 - o.Y1)).ToList();
        if (sizes.Count == 0) return double.NaN;
        double sum = 0;
        for (int t = 0; t < trials; t++)
        {
            var rng = new Random(Seeds.Mix(seed, t));
            var detections = new List<VocDetection>();
            foreach (var s in data.Samples)
                for (int k = 0; k < perImage; k++)
                {
                    var (w, h) = sizes[rng.Next(sizes.Count)];
                    double x = rng.NextDouble() * Math.Max(0, s.Width - w), y = rng.NextDouble() * Math.Max(0, s.Height - h);
                    var (x1, y1, x2, y2) = VocDataset.ToVoc((float)x, (float)y, (float)(x + w), (float)(y + h));
                    detections.Add(new VocDetection(s.Id, data.ClassNames[1 + rng.Next(data.ClassNames.Count - 1)], rng.NextDouble(), x1, y1, x2, y2));
                }
            sum += VocAp.Evaluate(truth, detections, data.ClassNames.Skip(1).ToList(), VocApMetric.Area).MeanAp;
        }
        return sum / trials;
    }

    /// <summary>The columns of the mAP table.</summary>
    public static IReadOnlyList<string> Columns => new[] { "detector backbone", "mAP@0.5", "mAP@0.5 (VOC07 11-point)" }.Concat(Silhouettes.Names).ToArray();

    /// <summary>The cells of one detector's row (percent).</summary>
    public static IReadOnlyList<string> Row(DetectorResult d)
    {
        static string P(double v) => double.IsNaN(v) ? "-" : (100 * v).ToString("0.0", CultureInfo.InvariantCulture);
        return new[] { d.Label, P(d.MeanAp), P(d.MeanAp07) }.Concat(Silhouettes.Names.Select(n => d.ApPerClass.TryGetValue(n, out var ap) ? P(ap) : "-")).ToArray();
    }

    /// <summary>The detectors' AP as an aligned plain-text table (percent).</summary>
    public static string Table(IReadOnlyList<DetectorResult> detectors)
    {
        var rows = new List<IReadOnlyList<string>> { Columns };
        rows.AddRange(detectors.Select(Row));
        var widths = Enumerable.Range(0, Columns.Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            sb.AppendLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
            if (i == 0) sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return sb.ToString();
    }

    /// <summary>The first test scenes with their ground truth and each detector's <see cref="FigureDetections"/> best-scoring detections.</summary>
    private static void DrawFigure(string path, string dir, DetectionDataset test, IReadOnlyList<DetectorResult> detectors)
    {
        var samples = test.Samples.Take(FigureScenes).ToList();
        var images = samples.Select(s => ImageDecoder.Decode(s.ImagePath)).ToList();
        var columns = new List<(string, IReadOnlyList<IReadOnlyList<DetectedBox>>)>
        {
            ("ground truth (score 1)", samples.Select(s => (IReadOnlyList<DetectedBox>)s.Objects.Select(o =>
                new DetectedBox(o.X1, o.Y1, o.X2, o.Y2, o.Label, test.ClassNames[o.Label], 1f)).ToList()).ToList()),
        };
        var labels = test.ClassNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        foreach (var d in detectors)
        {
            var rows = DetectionFiles.ReadCsv(Path.Combine(dir, "results", d.Name + "-detections.csv"));
            // The CSV holds VOC's 1-based coordinates; the figure wants the model's (x1 = xmin − 1, …).
            columns.Add((d.Label, samples.Select(s => (IReadOnlyList<DetectedBox>)rows
                .Where(r => r.ImageId == s.Id).OrderByDescending(r => r.Score).Take(FigureDetections)
                .Select(r => new DetectedBox((float)(r.X1 - 1), (float)(r.Y1 - 1), (float)r.X2, (float)r.Y2, labels.GetValueOrDefault(r.ClassName), r.ClassName, (float)r.Score)).ToList()).ToList()));
        }
        DetectionSheet.Save(path, images, columns);
    }
}
