using System.Diagnostics;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Interpretation;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Reports;
using TextureBias.Style;
using TextureBias.Training;

namespace TextureBias.Demo;

/// <summary>
/// The papers' findings in miniature: generate a texture–shape world, train a small ResNet-18
/// and a small BagNet-9 on its natural and on its stylized training set with <see cref="Trainer"/>,
/// measure them with <see cref="Evaluator"/>, <see cref="ShapeBias"/>, <see cref="Scrambling"/>,
/// <see cref="ClassEvidence"/> and <see cref="InformativePatches"/>, and write an HTML report; with
/// <see cref="DemoOptions.Detection"/>, also the transfer to object detection (<see cref="DetectionDemo"/>).
/// Every stage keeps its output in the run folder, so a re-run (after Ctrl-C, say) reuses
/// whatever is finished and continues training from the last checkpoint.
/// </summary>
public static class TextureShapeDemo
{
    /// <summary>The networks: architecture and training set.</summary>
    public static IReadOnlyList<(string Architecture, WorldSet TrainingSet)> Networks { get; } = new[]
    {
        ("resnet18", WorldSet.NaturalTrain), ("resnet18", WorldSet.StylizedTrain), ("bagnet9", WorldSet.NaturalTrain), ("bagnet9", WorldSet.StylizedTrain),
    };

    /// <summary>The file in the run folder that records the settings.</summary>
    public const string SettingsFile = "settings.txt";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Runs (or continues) the demo in <paramref name="outDir"/>.</summary>
    /// <exception cref="TextureBiasException">The folder holds something else, or a run with other settings.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; everything finished so far is kept.</exception>
    public static DemoResult Run(string outDir, DemoOptions options, Action<DemoProgress>? progress = null, Action<string>? log = null, CancellationToken cancel = default)
    {
        options.Validate();
        PrepareFolder(outDir, options);
        string worldDir = Path.Combine(outDir, "world");
        MakeWorld(worldDir, options, progress, log, cancel);

        var results = new List<DemoModelResult>();
        foreach (var (arch, set) in Networks)
        {
            cancel.ThrowIfCancellationRequested();
            results.Add(TrainAndEvaluate(arch, set, outDir, worldDir, options, progress, log, cancel));
        }

        var findings = Judge(results);
        string figures = Path.Combine(outDir, "figures");
        Directory.CreateDirectory(figures);
        var figureFiles = DrawFigures(results, outDir, worldDir, figures, options, progress, cancel);
        var comparison = DemoComparison.Run(results, outDir, worldDir, figures, options, progress, cancel);
        var detection = options.Detection is { } det ? DetectionDemo.Run(outDir, options, det, progress, log, cancel) : null;
        figureFiles = figureFiles with { Comparison = comparison, Detection = detection };
        string table = DemoReport.Table(results);
        string report = Path.Combine(outDir, "report.html");
        DemoReport.Write(report, options, results, findings, figureFiles);
        AtomicFile.WriteText(Path.Combine(outDir, "results.json"), JsonSerializer.Serialize(new { settings = options.Name, models = results, findings }, Json));
        AtomicFile.WriteText(Path.Combine(outDir, "results.txt"), table + "\n" + string.Join("\n", findings.Statements) + "\n"
            + (detection is null ? "" : "\nDetection (VOC AP@0.5 in percent on the test scenes):\n" + detection.Table + "\n" + detection.Finding + "\n"));
        return new DemoResult(results, findings, report, table) { Detection = detection };
    }

    /// <summary>The display name of a network, e.g. "ResNet-18 · natural".</summary>
    public static string Label(string arch, WorldSet set) =>
        (arch == "resnet18" ? "ResNet-18" : arch == "bagnet9" ? "BagNet-9" : arch) + " · " + SetKind(set);

    private static string SetKind(WorldSet set) => set == WorldSet.NaturalTrain ? "natural" : "stylized";

    private static void PrepareFolder(string outDir, DemoOptions options)
    {
        string settings = Path.Combine(outDir, SettingsFile);
        string fingerprint = options.Fingerprint();
        if (File.Exists(settings))
        {
            var old = File.ReadAllText(settings);
            if (old != fingerprint)
            {
                var differs = old.Split('\n').Zip(fingerprint.Split('\n')).FirstOrDefault(p => p.First != p.Second);
                throw new TextureBiasException($"{outDir} holds a demo run with other settings ({differs.First} there, {differs.Second} now); choose another --out or delete it");
            }
            return;
        }
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new TextureBiasException($"{outDir} is not empty and holds no demo run ({SettingsFile} is missing); choose another --out");
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteText(settings, fingerprint);
    }

    /// <summary>
    /// The first stage: writes the world's sets under <paramref name="worldDir"/> (those present
    /// are kept), the stylized training set by AdaIN when the options name its weights.
    /// </summary>
    public static void MakeWorld(string worldDir, DemoOptions options, Action<DemoProgress>? progress = null, Action<string>? log = null, CancellationToken cancel = default)
    {
        options.Validate();
        var world = new TextureShapeWorld(options.ImageSize, options.Seed, options.OwnTexture);
        Directory.CreateDirectory(worldDir);
        int cuePerClass = (options.TestPerClass + TextureShapeWorld.Classes - 2) / (TextureShapeWorld.Classes - 1) * (TextureShapeWorld.Classes - 1);
        var sets = new List<(WorldSet Set, int PerClass)>
        {
            (WorldSet.NaturalTrain, options.TrainPerClass), (WorldSet.NaturalTest, options.TestPerClass), (WorldSet.StylizedTest, options.TestPerClass),
            (WorldSet.CueConflict, cuePerClass), (WorldSet.Silhouettes, options.TestPerClass),
        };
        if (!options.UsesAdaIn) sets.Insert(1, (WorldSet.StylizedTrain, options.TrainPerClass));
        foreach (var (set, perClass) in sets)
        {
            string name = TextureShapeWorld.SetName(set), dir = Path.Combine(worldDir, name);
            long total = (long)perClass * TextureShapeWorld.Classes;
            if (Directory.Exists(dir))
            {
                progress?.Invoke(new DemoProgress($"world: {name}", total, total, "reused"));
                continue;
            }
            world.WriteSet(dir, set, perClass, n => progress?.Invoke(new DemoProgress($"world: {name}", n, total)), cancel);
        }
        if (options.UsesAdaIn) StylizeWithAdaIn(world, worldDir, options, progress, log, cancel);
    }

    private static void StylizeWithAdaIn(TextureShapeWorld world, string worldDir, DemoOptions options, Action<DemoProgress>? progress, Action<string>? log, CancellationToken cancel)
    {
        string name = TextureShapeWorld.SetName(WorldSet.StylizedTrain), dir = Path.Combine(worldDir, name);
        long total = (long)options.TrainPerClass * TextureShapeWorld.Classes;
        if (Directory.Exists(dir))
        {
            progress?.Invoke(new DemoProgress($"world: {name} (AdaIN)", total, total, "reused"));
            return;
        }
        string styles = Path.Combine(worldDir, "styles");
        world.WriteSwatches(styles, 8 * TextureShapeWorld.Classes, 2 * options.ImageSize, cancel);
        using var transfer = StyleTransfer.Load(options.Vgg!, options.Decoder!, options.Device);
        string partial = dir + ".partial";
        var report = DatasetStylizer.Run(transfer, Path.Combine(worldDir, TextureShapeWorld.SetName(WorldSet.NaturalTrain)), styles, partial,
            new DatasetStylizeOptions { Recipe = StyleRecipe.StylizeDatasets, ContentSize = 0, StyleSize = options.ImageSize, Seed = options.Seed, Format = "png" },
            (done, all) => progress?.Invoke(new DemoProgress($"world: {name} (AdaIN)", done, all)), log, cancel);
        if (report.Skipped > 0) throw new TextureBiasException($"AdaIN could not stylize {report.Skipped} images (listed in {report.SkippedList})");
        Directory.Move(partial, dir);
    }

    private static DemoModelResult TrainAndEvaluate(string arch, WorldSet set, string outDir, string worldDir, DemoOptions options,
        Action<DemoProgress>? progress, Action<string>? log, CancellationToken cancel)
    {
        string kind = SetKind(set), name = $"{arch}-{kind}", label = Label(arch, set);
        string resultPath = Path.Combine(outDir, "results", name + ".json");
        if (File.Exists(resultPath) && JsonSerializer.Deserialize<DemoModelResult>(File.ReadAllText(resultPath), Json) is { } cached)
        {
            progress?.Invoke(new DemoProgress($"train {label}", 1, 1, "reused"));
            progress?.Invoke(new DemoProgress($"evaluate {label}", 1, 1, "reused"));
            return cached;
        }

        string runDir = Path.Combine(outDir, "models", name);
        var training = new TrainingOptions
        {
            Epochs = options.Epochs, Batch = options.Batch, LearningRate = options.LearningRate, LearningRateSteps = options.LearningRateSteps,
            NumClasses = TextureShapeWorld.Classes, Width = arch == "bagnet9" ? options.BagNetWidth : options.Width,
            Blocks = arch == "bagnet9" ? options.BagNetBlocks : null, BatchNormMomentum = options.BatchNormMomentum, ImageSize = options.ImageSize, MinCropScale = options.MinCropScale,
            Seed = Seeds.Mix(options.Seed, Networks.ToList().IndexOf((arch, set))), Device = options.Device,
        };
        string train = Path.Combine(worldDir, TextureShapeWorld.SetName(set));
        string val = Path.Combine(worldDir, TextureShapeWorld.SetName(set == WorldSet.NaturalTrain ? WorldSet.NaturalTest : WorldSet.StylizedTest));
        var clock = Stopwatch.StartNew();
        int stepsPerEpoch = (options.TrainPerClass * TextureShapeWorld.Classes + options.Batch - 1) / options.Batch;
        var metrics = Trainer.Run(arch, new[] { train }, val, runDir, training, resume: true, f => log?.Invoke($"skipped {f.Path}: {f.Reason}"),
            (epoch, step, steps, loss) => progress?.Invoke(new DemoProgress($"train {label}", (long)(epoch - 1) * steps + step, (long)options.Epochs * steps,
                $"epoch {epoch}/{options.Epochs}, loss {loss:0.000}")), cancel);
        progress?.Invoke(new DemoProgress($"train {label}", (long)options.Epochs * stepsPerEpoch, (long)options.Epochs * stepsPerEpoch));
        double seconds = clock.Elapsed.TotalSeconds;

        using var model = ModelWeights.LoadClassifier(arch, Path.Combine(runDir, "checkpoint.pth.tar"));
        var pre = EvalPreprocessing(options);
        var stage = $"evaluate {label}";
        long all = 4L * options.TestPerClass * TextureShapeWorld.Classes + ImageFiles.Find(new[] { Path.Combine(worldDir, "test-cue-conflict") }).Count;
        long before = 0;
        void Failure(ImageFailure f) => log?.Invoke($"skipped {f.Path}: {f.Reason}");
        double Accuracy(WorldSet test, bool scrambled = false)
        {
            var folder = ImageFolder.Open(new[] { Path.Combine(worldDir, TextureShapeWorld.SetName(test)) });
            long start = before;
            Action<int> report = n => progress?.Invoke(new DemoProgress(stage, start + n, all));
            var result = scrambled
                ? Scrambling.Evaluate(model, folder, pre, 4, options.Seed, options.Batch, Failure, cancel, report, options.Device)
                : Evaluator.Run(model, folder, pre, options.Batch, Failure, report, cancel, options.Device);
            before += folder.Samples.Count;
            return result.Top1;
        }
        double natural = Accuracy(WorldSet.NaturalTest), stylized = Accuracy(WorldSet.StylizedTest), silhouettes = Accuracy(WorldSet.Silhouettes);
        double scrambledTop1 = Accuracy(WorldSet.NaturalTest, scrambled: true);
        long cueStart = before;
        var trials = ShapeBias.Run(model, Path.Combine(worldDir, "test-cue-conflict"), pre, Silhouettes.Names, options.Batch, Failure,
            n => progress?.Invoke(new DemoProgress(stage, cueStart + n, all)), cancel, options.Device);
        cancel.ThrowIfCancellationRequested();
        Directory.CreateDirectory(Path.GetDirectoryName(resultPath)!);
        ShapeBias.WriteRawData(Path.Combine(outDir, "results", name + "-raw-data.csv"), name, trials);
        var bias = ShapeBias.Compute(label, trials);
        var result = new DemoModelResult(name, label, arch, kind, metrics.Count > 0 ? metrics[^1].TrainTop1 : double.NaN, natural, stylized, silhouettes, scrambledTop1,
            bias.ShapeFraction, bias.TextureFraction, bias.ShapeBias, bias.PerCategory.ToDictionary(c => c.Name, c => c.ShapeBias), seconds);
        AtomicFile.WriteText(resultPath, JsonSerializer.Serialize(result, Json));
        progress?.Invoke(new DemoProgress(stage, all, all));
        return result;
    }

    /// <summary>The evaluation preprocessing of the demo's networks: <see cref="Trainer"/>'s validation transform at the world's size.</summary>
    public static Preprocessing EvalPreprocessing(DemoOptions options) => Trainer.EvalPreprocessing(options.ImageSize);

    /// <summary>Judges the four networks' numbers against the papers' findings.</summary>
    public static DemoFindings Judge(IReadOnlyList<DemoModelResult> results)
    {
        DemoModelResult Find(string arch, string kind) => results.First(r => r.Architecture == arch && r.TrainingSet == kind);
        var (rn, rs, bn, bs) = (Find("resnet18", "natural"), Find("resnet18", "stylized"), Find("bagnet9", "natural"), Find("bagnet9", "stylized"));
        static string Pct(double f) => double.IsNaN(f) ? "undefined" : $"{100 * f:0.0}%";
        bool textureBiased = rn.ShapeBias < DemoFindings.TextureBiasedBelow && bn.ShapeBias < DemoFindings.TextureBiasedBelow;
        bool shapeBiased = rs.ShapeBias > DemoFindings.ShapeBiasedAbove;
        bool bagnetFails = bs.StylizedTop1 <= rs.StylizedTop1 - DemoFindings.BagNetGap;
        var statements = new List<string>
        {
            (textureBiased ? "Reproduced: " : "Not reproduced: ") +
            $"the networks trained on natural images are {(textureBiased ? "texture-biased" : "not clearly texture-biased")} " +
            $"(shape bias {Pct(rn.ShapeBias)} for {rn.Label}, {Pct(bn.ShapeBias)} for {bn.Label}; texture-biased means under {Pct(DemoFindings.TextureBiasedBelow)}).",
            (shapeBiased ? "Reproduced: " : "Not reproduced: ") +
            $"the ResNet trained on stylized images is {(shapeBiased ? "shape-biased" : "not clearly shape-biased")} " +
            $"(shape bias {Pct(rs.ShapeBias)}; shape-biased means over {Pct(DemoFindings.ShapeBiasedAbove)}).",
            (bagnetFails ? "Reproduced: " : "Not reproduced: ") +
            $"the BagNet, which sees only 9×9 patches, {(bagnetFails ? "cannot learn the stylized images well" : "learned the stylized images about as well as the ResNet")} " +
            $"({bs.StylizedTop1:0.0}% on stylized test images against the ResNet's {rs.StylizedTop1:0.0}%; the criterion is a gap of at least {DemoFindings.BagNetGap:0} points).",
        };
        return new DemoFindings(textureBiased, shapeBiased, bagnetFails, statements);
    }

    private static DemoFigures DrawFigures(IReadOnlyList<DemoModelResult> results, string outDir, string worldDir, string figures, DemoOptions options,
        Action<DemoProgress>? progress, CancellationToken cancel)
    {
        const string stage = "figures";
        var bagnets = results.Where(r => r.Architecture == "bagnet9").ToList();
        int total = 1 + bagnets.Count * 3, done = 0;
        progress?.Invoke(new DemoProgress(stage, 0, total));
        string world = Path.Combine(figures, "world.png");
        WorldSheet.Save(world, worldDir, Silhouettes.Names, new[]
        {
            ("natural", TextureShapeWorld.SetName(WorldSet.NaturalTrain)), ("stylized", TextureShapeWorld.SetName(WorldSet.StylizedTrain)),
            ("cue conflict", TextureShapeWorld.SetName(WorldSet.CueConflict)), ("silhouettes", TextureShapeWorld.SetName(WorldSet.Silhouettes)),
        });
        string shapeBias = Path.Combine(figures, "shape-bias.png");
        var observers = results.Select(r => new ShapeBiasResult(r.Label, 0, 0, 0, 0, r.ShapeBias, r.ShapeFraction, r.TextureFraction,
            r.ShapeBiasPerClass.Select(kv => new ShapeBiasResult(kv.Key, 0, 0, 0, 0, kv.Value, double.NaN, double.NaN, Array.Empty<ShapeBiasResult>())).ToList())).ToList();
        ShapeBiasFigure.Save(shapeBias, observers, Silhouettes.Names, Array.Empty<(string, double)>());
        done++;
        progress?.Invoke(new DemoProgress(stage, done, total));

        var pre = EvalPreprocessing(options);
        var cueFiles = ImageFiles.Find(new[] { Path.Combine(worldDir, "test-cue-conflict") });
        // Two cue-conflict images of different shapes, the same for every BagNet.
        var examples = new[] { "house", "star" }.Select(s => cueFiles.First(f => Path.GetFileName(Path.GetDirectoryName(f)) == s)).ToList();
        var natural = ImageFiles.Find(new[] { Path.Combine(worldDir, "test-natural") });
        var shown = new[] { "house", "star", "tree" }.Select(n => Silhouettes.IndexOf(n)!.Value).ToList();
        var heatmaps = new List<(string Model, string File)>();
        var patches = new List<(string Model, string File)>();
        foreach (var r in bagnets)
        {
            cancel.ThrowIfCancellationRequested();
            using var model = (BagNet)ModelWeights.LoadClassifier(r.Architecture, Path.Combine(outDir, "models", r.Name, "checkpoint.pth.tar"));
            foreach (var (image, i) in examples.Select((e, i) => (e, i)))
            {
                int shape = Silhouettes.OfFolder(image)!.Value, texture = Silhouettes.IndexOf(ShapeBias.TextureOf(image))!.Value;
                using var evidence = ClassEvidence.Compute(model, ImageDecoder.Decode(image), pre, new[] { shape, texture }, padding: HeatmapPadding.Edge, device: options.Device);
                using var grid = evidence.OnPixelGrid();
                var titles = new[]
                {
                    $"shape: {Silhouettes.Names[shape]} (logit {evidence.Logits[shape]:0.00})",
                    $"texture: {Silhouettes.Names[texture]}'s {TextureFamilies.Names[texture]} (logit {evidence.Logits[texture]:0.00})",
                };
                string file = Path.Combine(figures, $"heatmap-{r.Name}-{i + 1}.png");
                HeatmapFigure.Save(file, evidence.Image, grid, titles,
                    $"{r.Label}: evidence of each 9×9 patch for the shape's and the texture's class; red for, blue against. Border patches see the edge pixels repeated.");
                heatmaps.Add((r.Label, file));
                done++;
                progress?.Invoke(new DemoProgress(stage, done, total));
            }
            var found = InformativePatches.Find(model, natural, shown, 6, pre, options.Batch, cancel: cancel, labelOf: Silhouettes.OfFolder, device: options.Device);
            string mosaic = Path.Combine(figures, $"patches-{r.Name}.png");
            PatchMosaic.Save(mosaic, found, pre, model.NumClasses, 6, Silhouettes.Names.Select((n, k) => $"{n} (its texture: {TextureFamilies.Names[k]})").ToList());
            patches.Add((r.Label, mosaic));
            done++;
            progress?.Invoke(new DemoProgress(stage, done, total));
        }
        return new DemoFigures(world, shapeBias, heatmaps, patches);
    }
}
