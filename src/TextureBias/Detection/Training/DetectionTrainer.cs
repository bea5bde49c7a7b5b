using System.Diagnostics;
using System.Globalization;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection.Training;

/// <summary>
/// Trains a <see cref="FasterRcnn"/> as torchvision's detection reference does (torchvision 0.14
/// <c>references/detection</c>; settings in <see cref="DetectionTrainingOptions"/>): SGD on the parameters that
/// train, warm-up then steps, batches grouped by aspect ratio, random horizontal flips, the four losses summed.
/// The backbone starts from a classification checkpoint (<see cref="DetectionBackbone"/>). After every epoch,
/// <c>checkpoint.pth</c> is written atomically in the reference's format, so PyTorch loads it
/// (<c>model.load_state_dict(torch.load(f)["model"])</c>): <c>{model, optimizer, lr_scheduler, epoch, args}</c>
/// plus <c>texturebias_classes</c> (class names, background first) and the position to resume from; and
/// <c>metrics.csv</c> gains a line. Data order, flips and the RPN's and box head's sampling follow from the seed,
/// the epoch and the step, so a resumed run (also one stopped mid-epoch by cancellation, which finishes the step,
/// saves and throws <see cref="TrainingInterruptedException"/>) ends with the weights of an uninterrupted one.
/// A folder that holds a run is refused unless resumed or <see cref="DetectionTrainingOptions.Overwrite"/> is set.
/// </summary>
public static class DetectionTrainer
{
    /// <summary>The checkpoint of the last epoch (or of the step at which training was stopped).</summary>
    public const string CheckpointFile = "checkpoint.pth";

    /// <summary>One line per finished epoch.</summary>
    public const string MetricsFile = "metrics.csv";

    /// <summary>Every file a run writes in its folder.</summary>
    public static IReadOnlyList<string> RunFiles { get; } = new[] { CheckpointFile, MetricsFile };

    /// <summary>The four losses, in torchvision's order.</summary>
    public static IReadOnlyList<string> LossNames { get; } = new[] { "loss_classifier", "loss_box_reg", "loss_objectness", "loss_rpn_box_reg" };

    /// <summary>The checkpoint key of the class names (index 0: background).</summary>
    public const string ClassesKey = "texturebias_classes";

    private const string NextEpochKey = "texturebias_next_epoch", NextStepKey = "texturebias_next_step", SumsKey = "texturebias_sums";

    /// <summary>The run files in <paramref name="outDir"/> (none when it holds no run or does not exist).</summary>
    public static IReadOnlyList<string> ExistingRunFiles(string outDir) =>
        Directory.Exists(outDir) ? RunFiles.Where(f => File.Exists(Path.Combine(outDir, f))).ToList() : Array.Empty<string>();

    /// <summary>
    /// Trains on <paramref name="data"/> into <paramref name="outDir"/>; returns the metrics of all completed epochs.
    /// <paramref name="backbone"/> is the classification checkpoint the backbone starts from (not needed to resume).
    /// With <paramref name="resume"/>, a run in the folder is continued (a folder without one starts afresh).
    /// Unreadable images are reported to <paramref name="onFailure"/> and skipped.
    /// </summary>
    /// <exception cref="TextureBiasException">Bad settings, backbone or data; the folder holds a run and neither resume nor overwrite was asked for; the loss diverged.</exception>
    /// <exception cref="TrainingInterruptedException">Cancelled; the run was saved and can be resumed.</exception>
    public static IReadOnlyList<DetectionEpochMetrics> Run(string? backbone, DetectionDataset data, string outDir, DetectionTrainingOptions options, bool resume = false,
        Action<ImageFailure>? onFailure = null, Action<DetectionTrainingProgress>? progress = null, CancellationToken cancel = default, Action<string>? onNotice = null)
    {
        Check(options);
        if (resume && options.Overwrite) throw new TextureBiasException("--resume continues the run in the output folder and --overwrite deletes it: give one of them");
        var existing = ExistingRunFiles(outDir);
        if (existing.Count > 0 && !resume && !options.Overwrite)
            throw new TextureBiasException($"{outDir} already holds a detection training run ({string.Join(", ", existing)}): give --resume to continue it or --overwrite to delete it and start afresh");
        string checkpointPath = Path.Combine(outDir, CheckpointFile), metricsPath = Path.Combine(outDir, MetricsFile);
        if (existing.Count > 0 && resume && !existing.Contains(CheckpointFile))
            throw new TextureBiasException($"{outDir} holds {string.Join(", ", existing)} but no {CheckpointFile} to continue from: give --overwrite to delete it and start afresh");
        if (data.ClassNames.Count < 2) throw new TextureBiasException($"{data.Name}: a detection dataset needs at least one class besides the background");

        // Images with at least one box that trains (torchvision's COCO reference drops the others from training).
        var samples = data.Samples.Where(s => s.Objects.Any(o => !o.Difficult && o.X2 > o.X1 && o.Y2 > o.Y1)).ToList();
        if (samples.Count < options.Batch)
            throw new TextureBiasException($"{data.Name}: {samples.Count} training image{(samples.Count == 1 ? "" : "s")} with boxes, fewer than one batch of {options.Batch}");
        if (samples.Count < data.Samples.Count)
            onNotice?.Invoke($"{data.Name}: {data.Samples.Count - samples.Count} of {data.Samples.Count} images have no box that trains (all difficult or crowd) and are left out");
        int badLabel = samples.SelectMany(s => s.Objects).Select(o => o.Label).FirstOrDefault(l => l < 1 || l >= data.ClassNames.Count);
        if (badLabel != 0) throw new TextureBiasException($"{data.Name}: an object has label {badLabel}, outside 1..{data.ClassNames.Count - 1}");

        var root = resume && File.Exists(checkpointPath) ? ReadCheckpoint(checkpointPath) : null;
        var modelOptions = options.Model with { NumClasses = data.ClassNames.Count };
        var device = options.Device ?? Devices.Cpu;
        // The model is made on the CPU, then moved; the new layers' initialisation follows from the seed alone.
        FasterRcnn model;
        if (root is not null)
        {
            var args = root.Args;
            CheckSame(checkpointPath, args, Settings(options, modelOptions, null), data.ClassNames, root.Classes);
            model = new FasterRcnn(modelOptions with { Backbone = args["backbone_arch"] as string ?? modelOptions.Backbone, BackboneWidth = args["backbone_width"] is long w ? (int)w : modelOptions.BackboneWidth });
        }
        else
        {
            if (backbone is null) throw new TextureBiasException("give the classification checkpoint the backbone starts from (--backbone)");
            model = DetectionBackbone.Create(backbone, modelOptions);
            using var initialisation = new Generator((ulong)Seeds.Mix(options.Seed, -1));
            model.InitializeHeads(initialisation);
        }
        using var _ = model;
        Devices.MoveTo(model, device);
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        using var sgd = new Sgd(parameters, options.BaseLearningRate, options.Momentum, options.WeightDecay);
        int startEpoch = 0, startStep = 0;
        var sums = new double[8]; // 4 loss sums, steps, images, skipped images, seconds
        var metrics = new List<DetectionEpochMetrics>();
        if (root is not null) (startEpoch, startStep, sums) = Restore(model, sgd, root, checkpointPath, metricsPath, metrics);
        if (options.Overwrite)
            foreach (var file in RunFiles) File.Delete(Path.Combine(outDir, file));
        Directory.CreateDirectory(outDir);
        var settings = Settings(options, model.Options, backbone);
        if (root is not null && root.Args.TryGetValue("backbone", out var recordedBackbone)) settings["backbone"] = recordedBackbone;

        var groups = options.AspectRatioGroupFactor >= 0
            ? AspectRatioGrouping.Groups(samples.Select(AspectRatio).ToList(), options.AspectRatioGroupFactor)
            : null;
        int stepsPerEpoch = samples.Count / options.Batch;
        int workers = options.Workers > 0 ? options.Workers : Environment.ProcessorCount;
        for (int epoch = startEpoch; epoch < options.Epochs; epoch++)
        {
            model.train();
            var batches = EpochBatches(options, samples.Count, groups, epoch);
            int firstStep = epoch == startEpoch ? startStep : 0;
            if (firstStep == 0) Array.Clear(sums);
            var plan = batches.Skip(firstStep).Select((b, i) => b.Select((index, slot) => (samples[index], Flip(options, epoch, firstStep + i, slot))).ToArray()).ToList();
            int step = firstStep;
            var clock = Stopwatch.StartNew();
            bool stopped = false;
            foreach (var images in TrainingImageLoader.Batches(plan, workers))
            {
                double lr = options.LearningRateAt(epoch, step, stepsPerEpoch);
                sgd.LearningRate = lr;
                foreach (var bad in images.Where(i => i.Error is not null))
                {
                    sums[6]++;
                    onFailure?.Invoke(new ImageFailure(bad.Sample.ImagePath, bad.Error!));
                }
                var good = images.Where(i => i.Error is null).ToList();
                if (good.Count > 0)
                {
                    var values = TrainStep(model, sgd, good, device, Seeds.Mix(options.Seed, epoch, step, 2));
                    if (values.Any(v => !double.IsFinite(v)))
                        throw new TextureBiasException($"the loss is not finite at step {step + 1} of epoch {epoch + 1} ({string.Join(", ", LossNames.Select((n, i) => $"{n} {values[i]:G4}"))}): " +
                            $"training diverged; try a lower --lr (this step's was {lr:G4}) or more --warmup-iterations");
                    for (int i = 0; i < 4; i++) sums[i] += values[i];
                    sums[4]++;
                    sums[5] += good.Count;
                }
                step++;
                if (progress is not null)
                {
                    var means = LossNames.Select((n, i) => (n, sums[i] / Math.Max(1, sums[4]))).ToDictionary(t => t.n, t => t.Item2);
                    progress(new DetectionTrainingProgress(epoch + 1, options.Epochs, step, stepsPerEpoch, lr, means, means.Values.Sum()));
                }
                if (cancel.IsCancellationRequested && step < stepsPerEpoch)
                {
                    stopped = true;
                    break;
                }
            }
            sums[7] += clock.Elapsed.TotalSeconds;
            if (stopped)
            {
                Save(model, sgd, options, settings, data.ClassNames, checkpointPath, epoch, step, sums, stepsPerEpoch);
                throw new TrainingInterruptedException(checkpointPath, epoch + 1, step, stepsPerEpoch, cancel);
            }
            double steps = Math.Max(1, sums[4]);
            var line = new DetectionEpochMetrics(epoch + 1, options.LearningRateAt(epoch, stepsPerEpoch - 1, stepsPerEpoch), Enumerable.Range(0, 4).Sum(i => sums[i]) / steps,
                sums[0] / steps, sums[1] / steps, sums[2] / steps, sums[3] / steps, (int)sums[5], (int)sums[6], sums[5] / Math.Max(sums[7], 1e-9));
            metrics.Add(line);
            Save(model, sgd, options, settings, data.ClassNames, checkpointPath, epoch + 1, 0, new double[8], stepsPerEpoch);
            AtomicFile.WriteText(metricsPath, DetectionEpochMetrics.Header + "\n" + string.Concat(metrics.Select(m => m + "\n")));
            if (cancel.IsCancellationRequested && epoch + 1 < options.Epochs)
                throw new TrainingInterruptedException(checkpointPath, epoch + 2, 0, stepsPerEpoch, cancel);
        }
        return metrics;
    }

    /// <summary>
    /// The batches (indices into the training images) of <paramref name="epoch"/>: a permutation that follows from the
    /// seed and the epoch (torchvision's RandomSampler), grouped by aspect ratio (GroupedBatchSampler) or cut into
    /// batches with the last incomplete one dropped (BatchSampler with drop_last).
    /// </summary>
    internal static List<int[]> EpochBatches(DetectionTrainingOptions options, int count, IReadOnlyList<int>? groups, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(Seeds.Mix(options.Seed, epoch, 1)).Shuffle(order);
        if (groups is not null) return AspectRatioGrouping.Batches(order, groups, options.Batch);
        return order.Chunk(options.Batch).Where(b => b.Length == options.Batch).ToList();
    }

    /// <summary>Whether the image in <paramref name="slot"/> of a step is flipped: from the seed, the epoch, the step and the slot.</summary>
    internal static bool Flip(DetectionTrainingOptions options, int epoch, int step, int slot) =>
        options.FlipProbability > 0 && new Random(Seeds.Mix(options.Seed, epoch, step, slot, 3)).NextDouble() < options.FlipProbability;

    /// <summary>One SGD step on the prepared images; returns the four losses (float32 values, as <c>loss.item()</c>).</summary>
    private static double[] TrainStep(FasterRcnn model, Sgd sgd, IReadOnlyList<TrainingImage> images, Device device, int seed)
    {
        using var scope = NewDisposeScope();
        var inputs = images.Select(i => Devices.Upload(tensor(i.Chw!, new long[] { 3, i.Height, i.Width }, device: CPU), device)).ToList();
        var targets = images.Select(i => new DetectionTarget(
            Devices.Upload(tensor(i.Boxes, new long[] { i.Labels.Length, 4 }, device: CPU), device),
            Devices.Upload(tensor(i.Labels, device: CPU), device))).ToList();
        using var generator = new Generator((ulong)seed, device);
        var losses = model.Losses(inputs, targets, generator);
        var parts = LossNames.Select(n => losses.TryGetValue(n, out var l) ? l : throw new InvalidOperationException($"the model returned no {n}")).ToList();
        var total = parts[0];
        for (int i = 1; i < parts.Count; i++) total = total.Plus(parts[i]);
        sgd.ZeroGrad();
        total.backward();
        sgd.Step();
        var values = Devices.On(stack(parts.Select(p => p.detach().to(ScalarType.Float32)).ToList()), Devices.Cpu).data<float>().ToArray();
        return values.Select(v => (double)v).ToArray();
    }

    /// <summary>Height / width of a training image: from its annotation, else from its file's header (1 when unreadable: it is skipped later).</summary>
    private static double AspectRatio(DetectionSample s)
    {
        if (s.Width > 0 && s.Height > 0) return (double)s.Height / s.Width;
        try
        {
            return ImageDecoder.ReadSize(s.ImagePath) is { Width: > 0, Height: > 0 } size ? (double)size.Height / size.Width : 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ImageDecodeException)
        {
            return 1;
        }
    }

    private static void Check(DetectionTrainingOptions o)
    {
        if (o.Epochs < 1 || o.Batch < 1) throw new TextureBiasException("--epochs and --batch must be at least 1");
        if (!(o.BaseLearningRate > 0) || double.IsInfinity(o.BaseLearningRate)) throw new TextureBiasException($"--lr must be positive, not {o.BaseLearningRate}");
        if (!(o.Momentum >= 0 && o.Momentum < 1)) throw new TextureBiasException($"--momentum must lie in [0, 1), not {o.Momentum}");
        if (!(o.WeightDecay >= 0)) throw new TextureBiasException($"--wd must not be negative, not {o.WeightDecay}");
        if (!(o.LearningRateGamma > 0)) throw new TextureBiasException($"--lr-gamma must be positive, not {o.LearningRateGamma}");
        if (o.LearningRateSteps.Any(s => s < 0)) throw new TextureBiasException("--lr-steps must be epochs (0 or more)");
        if (o.WarmupIterations < 0) throw new TextureBiasException("--warmup-iterations must not be negative");
        if (!(o.WarmupFactor > 0 && o.WarmupFactor <= 1)) throw new TextureBiasException($"the warm-up factor must lie in (0, 1], not {o.WarmupFactor}");
        if (!(o.FlipProbability >= 0 && o.FlipProbability <= 1)) throw new TextureBiasException($"the flip probability must lie in [0, 1], not {o.FlipProbability}");
        if (o.Model.TrainableBackboneLayers is < 0 or > 5) throw new TextureBiasException($"--trainable-layers must lie in 0..5, not {o.Model.TrainableBackboneLayers}");
        if (o.Model.MinSize < 1 || o.Model.MaxSize < o.Model.MinSize) throw new TextureBiasException($"--min-size must be positive and at most --max-size ({o.Model.MinSize}, {o.Model.MaxSize})");
        if (o.Model.FpnChannels < 1) throw new TextureBiasException($"--fpn-channels must be positive, not {o.Model.FpnChannels}");
        if (o.Model.RepresentationSize < 1) throw new TextureBiasException($"--representation-size must be positive, not {o.Model.RepresentationSize}");
        if (o.Model.AnchorSizes.Count != FasterRcnnOptions.Torchvision.AnchorSizes.Count || o.Model.AnchorSizes.Any(a => a < 1))
            throw new TextureBiasException($"--anchor-sizes must be {FasterRcnnOptions.Torchvision.AnchorSizes.Count} positive sizes, one per FPN level, not {string.Join(",", o.Model.AnchorSizes)}");
    }

    /// <summary>The run's settings, written as the checkpoint's <c>args</c> (and compared when a run is resumed).</summary>
    internal static Dictionary<string, object?> Settings(DetectionTrainingOptions o, FasterRcnnOptions m, string? backbone) => new()
    {
        ["model"] = "fasterrcnn_resnet_fpn",
        ["backbone"] = backbone,
        ["backbone_arch"] = m.Backbone,
        ["backbone_width"] = (long)m.BackboneWidth,
        ["num_classes"] = (long)m.NumClasses,
        ["trainable_backbone_layers"] = (long)m.TrainableBackboneLayers,
        ["min_size"] = (long)m.MinSize,
        ["max_size"] = (long)m.MaxSize,
        ["fpn_channels"] = (long)m.FpnChannels,
        ["representation_size"] = (long)m.RepresentationSize,
        ["anchor_sizes"] = m.AnchorSizes.Select(a => (object?)(long)a).ToList(),
        ["epochs"] = (long)o.Epochs,
        ["batch_size"] = (long)o.Batch,
        ["lr"] = o.BaseLearningRate,
        ["momentum"] = o.Momentum,
        ["weight_decay"] = o.WeightDecay,
        ["lr_steps"] = o.LearningRateSteps.Select(s => (object?)(long)s).ToList(),
        ["lr_gamma"] = o.LearningRateGamma,
        ["warmup_iterations"] = (long)o.WarmupIterations,
        ["warmup_factor"] = o.WarmupFactor,
        ["aspect_ratio_group_factor"] = (long)o.AspectRatioGroupFactor,
        ["flip_probability"] = o.FlipProbability,
        ["seed"] = (long)o.Seed,
    };

    /// <summary>The settings that must not change when a run is resumed (<c>epochs</c> may grow; the backbone comes from the checkpoint).</summary>
    private static readonly (string Key, string Option)[] Fixed =
    {
        ("batch_size", "--batch"), ("lr", "--lr"), ("momentum", "--momentum"), ("weight_decay", "--wd"), ("lr_steps", "--lr-steps"), ("lr_gamma", "--lr-gamma"),
        ("warmup_iterations", "--warmup-iterations"), ("warmup_factor", "warm-up factor"), ("aspect_ratio_group_factor", "aspect-ratio group factor"),
        ("flip_probability", "flip probability"), ("seed", "--seed"), ("trainable_backbone_layers", "--trainable-layers"), ("min_size", "--min-size"),
        ("max_size", "--max-size"), ("fpn_channels", "--fpn-channels"), ("representation_size", "--representation-size"), ("anchor_sizes", "--anchor-sizes"),
    };

    private static void CheckSame(string path, IReadOnlyDictionary<string, object?> recorded, Dictionary<string, object?> now, IReadOnlyList<string> classes, IReadOnlyList<string>? recordedClasses)
    {
        if (recordedClasses is not null && !recordedClasses.SequenceEqual(classes))
            throw new TextureBiasException($"{path}: the run was trained on other classes ({Names(recordedClasses)}) than the data has ({Names(classes)}); continue it on the same data, or give --overwrite to start afresh");
        foreach (var (key, option) in Fixed)
        {
            if (!recorded.TryGetValue(key, out var was)) continue;
            string a = Text(was), b = Text(now[key]);
            if (a != b) throw new TextureBiasException($"{path}: the run was trained with {option} {a}, not {b}; give the same settings to continue it (only --epochs may change), or --overwrite to start afresh");
        }
    }

    private static string Text(object? v) => v switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IEnumerable<object?> list => string.Join(",", list.Select(Text)),
        null => "",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Names(IReadOnlyList<string> names) => string.Join(", ", names.Take(6)) + (names.Count > 6 ? $", … {names.Count} in all" : "");

    /// <summary>
    /// Writes the checkpoint from the CPU, atomically, in torchvision's reference format. <c>epoch</c> is the last epoch
    /// finished (0-based, as the reference's <c>--resume</c> reads it: it continues with the next); the scheduler's state
    /// is MultiStepLR's after that many epochs; the step to continue from and the epoch's sums are ours.
    /// </summary>
    internal static void Save(FasterRcnn model, Sgd sgd, DetectionTrainingOptions options, Dictionary<string, object?> settings, IReadOnlyList<string> classes,
        string path, int nextEpoch, int nextStep, double[] sums, int stepsPerEpoch)
    {
        using var scope = NewDisposeScope();
        var stateDict = new LegacyTorchWriter.OrderedState(model.state_dict().Select(kv => new KeyValuePair<string, object?>(kv.Key, Devices.On(kv.Value, Devices.Cpu))).ToList());
        double lr = options.LearningRateAt(nextEpoch, nextStep, stepsPerEpoch);
        sgd.LearningRate = lr;
        var optimizer = sgd.StateDict(on: Devices.Cpu);
        foreach (var group in (List<object?>)optimizer["param_groups"]!) ((Dictionary<string, object?>)group!)["initial_lr"] = options.BaseLearningRate;
        var milestones = new Dictionary<int, object?>();
        foreach (var m in options.LearningRateSteps) milestones[m] = milestones.TryGetValue(m, out var c) ? (long)c! + 1 : 1L;
        var scheduler = new Dictionary<string, object?>
        {
            ["milestones"] = milestones, ["gamma"] = options.LearningRateGamma, ["base_lrs"] = new List<object?> { options.BaseLearningRate },
            ["last_epoch"] = (long)nextEpoch, ["verbose"] = false, ["_step_count"] = (long)nextEpoch + 1, ["_get_lr_called_within_step"] = false,
            ["_last_lr"] = new List<object?> { lr },
        };
        var tree = new Dictionary<string, object?>
        {
            ["model"] = stateDict,
            ["optimizer"] = optimizer,
            ["lr_scheduler"] = scheduler,
            ["args"] = settings,
            ["epoch"] = (long)nextEpoch - 1,
            [ClassesKey] = classes.Select(c => (object?)c).ToList(),
            [FasterRcnn.AnchorSizesKey] = string.Join(",", model.Options.AnchorSizes.Select(a => a.ToString(CultureInfo.InvariantCulture))),
            [FasterRcnn.MinSizeKey] = (long)model.Options.MinSize,
            [FasterRcnn.MaxSizeKey] = (long)model.Options.MaxSize,
            [NextEpochKey] = (long)nextEpoch,
            [NextStepKey] = (long)nextStep,
            [SumsKey] = sums.Select(v => (object?)v).ToList(),
        };
        WeightFile.SaveTree(path, tree);
    }

    private sealed record Recorded(PyDict Root, IReadOnlyDictionary<string, object?> Args, IReadOnlyList<string>? Classes);

    private static Recorded ReadCheckpoint(string path)
    {
        if (WeightFile.ReadTree(path) is not PyDict root || root.GetValueOrDefault("model") is not PyDict)
            throw new WeightFileException(path, "not a detection training checkpoint (no \"model\" state_dict)");
        var args = new Dictionary<string, object?>();
        if (root.GetValueOrDefault("args") is PyDict a)
            foreach (var (k, v) in a)
                if (k is string name) args[name] = v;
        var classes = root.GetValueOrDefault(ClassesKey) is List<object?> list ? list.Select(c => c as string ?? "").ToList() : null;
        return new Recorded(root, args, classes);
    }

    private static (int Epoch, int Step, double[] Sums) Restore(FasterRcnn model, Sgd sgd, Recorded recorded, string path, string metricsPath, List<DetectionEpochMetrics> metrics)
    {
        var root = recorded.Root;
        var sd = (PyDict)root["model"]!;
        ModelWeights.Apply(model, WeightFile.NormaliseKeys(sd.Where(kv => kv.Key is string && kv.Value is Tensor).ToDictionary(kv => (string)kv.Key, kv => (Tensor)kv.Value!)), path);
        if (root.GetValueOrDefault("optimizer") is PyDict opt && opt.GetValueOrDefault("state") is PyDict state)
        {
            var buffers = new Dictionary<int, Tensor>();
            foreach (var (k, v) in state)
                if (k is long i && v is PyDict entry && entry.GetValueOrDefault("momentum_buffer") is Tensor b) buffers[(int)i] = b;
            sgd.LoadBuffers(buffers);
        }
        int epoch = root.GetValueOrDefault(NextEpochKey) is long e ? (int)e : root.GetValueOrDefault("epoch") is long last ? (int)last + 1 : 0;
        int step = root.GetValueOrDefault(NextStepKey) is long s ? (int)s : 0;
        var sums = new double[8];
        if (step > 0 && root.GetValueOrDefault(SumsKey) is List<object?> l)
            for (int i = 0; i < Math.Min(8, l.Count); i++) sums[i] = l[i] switch { double d => d, long x => x, _ => 0 };
        if (File.Exists(metricsPath))
            foreach (var line in File.ReadAllLines(metricsPath).Skip(1).Where(x => x.Length > 0))
            {
                DetectionEpochMetrics m;
                try
                {
                    m = DetectionEpochMetrics.Parse(line);
                }
                catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or OverflowException)
                {
                    throw new TextureBiasException($"{metricsPath}: a line is not one of ours ({line}); give --overwrite to start afresh");
                }
                if (m.Epoch <= epoch) metrics.Add(m);
            }
        return (epoch, step, sums);
    }
}
