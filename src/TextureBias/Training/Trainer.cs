using System.Diagnostics;
using System.Globalization;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Training;

/// <summary>
/// pytorch/examples' ImageNet training: SGD with momentum and weight decay, step learning-rate
/// schedule, RandomResizedCrop + flip for training and Resize + CenterCrop for validation,
/// cross-entropy. After every epoch, <c>checkpoint.pth.tar</c> ({epoch, arch, state_dict,
/// best_acc1, optimizer}, loadable by PyTorch, plus the network's <see cref="ModelMetadata"/>:
/// classes, image_size, width, blocks, preprocessing) and, when top-1 improved,
/// <c>model_best.pth.tar</c> are written atomically and <c>metrics.csv</c> gains a line.
/// Shuffling, augmentation and dropout follow from the seed, the epoch and the image's
/// position, so a resumed run (also one stopped mid-epoch by cancellation, which finishes the
/// step, saves and throws <see cref="TrainingInterruptedException"/>) matches an uninterrupted
/// one. A folder that already holds a run is refused unless resumed or
/// <see cref="TrainingOptions.Overwrite"/> is set. The network, its optimiser state and the
/// batches live on <see cref="TrainingOptions.Device"/>; checkpoints are written from the CPU,
/// so a run resumes on any device. Mixed precision (<see cref="TrainingOptions.Precision"/>) adds
/// <c>texturebias_amp</c> to the checkpoint, and fp16 its loss scaler's state
/// (<c>texturebias_loss_scale</c>, <c>texturebias_loss_scale_good_steps</c>,
/// <c>texturebias_skipped_steps</c>); PyTorch and <c>--weights</c>/<c>--init</c> ignore them.
/// </summary>
public static class Trainer
{
    /// <summary>The checkpoint of the last epoch (or of the step at which training was stopped).</summary>
    public const string CheckpointFile = "checkpoint.pth.tar";

    /// <summary>The checkpoint of the epoch with the best top-1 accuracy.</summary>
    public const string BestFile = "model_best.pth.tar";

    /// <summary>One line per finished epoch.</summary>
    public const string MetricsFile = "metrics.csv";

    /// <summary>Every file a run writes in its folder.</summary>
    public static IReadOnlyList<string> RunFiles { get; } = new[] { CheckpointFile, BestFile, MetricsFile };

    /// <summary>The run files in <paramref name="outDir"/> (none when it holds no run or does not exist).</summary>
    public static IReadOnlyList<string> ExistingRunFiles(string outDir) =>
        Directory.Exists(outDir) ? RunFiles.Where(f => File.Exists(Path.Combine(outDir, f))).ToList() : Array.Empty<string>();

    /// <summary>The validation (and evaluation) transform of a network trained at <paramref name="imageSize"/>: Resize(size·256/224), CenterCrop(size).</summary>
    public static Preprocessing EvalPreprocessing(int imageSize) => new(imageSize * 256 / 224, imageSize);

    /// <summary>
    /// Trains <paramref name="arch"/> into <paramref name="outDir"/>; returns the metrics of all
    /// completed epochs. With <paramref name="resume"/>, a run in the folder is continued (a folder
    /// without one starts afresh). The network trains and validates on
    /// <see cref="TrainingOptions.Device"/> (the CPU when null) in
    /// <see cref="TrainingOptions.Precision"/>; <paramref name="onNotice"/> hears what a user
    /// should know but is no failure: an fp16 step skipped for overflowing gradients, a run
    /// resumed in another precision. <paramref name="onEpoch"/> hears each epoch's metrics as soon
    /// as its checkpoint is saved (a resumed run's earlier epochs first, when it continues).
    /// </summary>
    /// <exception cref="TextureBiasException">Bad settings or data, or the folder holds a run and neither resume nor overwrite was asked for.</exception>
    /// <exception cref="TrainingInterruptedException">Cancelled; the run was saved and can be resumed.</exception>
    public static IReadOnlyList<EpochMetrics> Run(string arch, IReadOnlyList<string> trainRoots, string? valRoot, string outDir, TrainingOptions options,
        bool resume = false, Action<ImageFailure>? onFailure = null, Action<int, int, int, double>? progress = null, CancellationToken cancel = default,
        Action<string>? onNotice = null, Action<EpochMetrics>? onEpoch = null)
    {
        if (options.Epochs < 1 || options.Batch < 1 || options.Accumulate < 1 || options.Accumulate > options.Batch || options.ImageSize < 8)
            throw new TextureBiasException("epochs, batch and --accumulate (≤ batch) must be positive, the image size at least 8");
        if (options.MinCropScale is <= 0 or > 1) throw new TextureBiasException($"the minimum crop scale must lie in (0, 1], not {options.MinCropScale}");
        if (resume && options.Overwrite) throw new TextureBiasException("--resume continues the run in the output folder and --overwrite deletes it: give one of them");
        var existing = ExistingRunFiles(outDir);
        if (existing.Count > 0 && !resume && !options.Overwrite)
            throw new TextureBiasException($"{outDir} already holds a training run ({string.Join(", ", existing)}): give --resume to continue it or --overwrite to delete it and start afresh");
        if (existing.Count > 0 && resume && !existing.Contains(CheckpointFile))
            throw new TextureBiasException($"{outDir} holds {string.Join(", ", existing)} but no {CheckpointFile} to continue from: give --overwrite to delete them and start afresh");
        var subset = options.ClassSubset is { } subsetFile ? ImageFolder.ReadClassSubset(subsetFile) : null;
        var train = ImageFolder.Open(trainRoots, subset);
        if (train.Samples.Count == 0) throw new TextureBiasException($"no training images in {string.Join(", ", trainRoots)}");
        if (train.Classes.Count > options.NumClasses)
            throw new TextureBiasException($"the training data has {train.Classes.Count} classes, the model {options.NumClasses} outputs (--num-classes)");
        var val = valRoot is null ? null : ImageFolder.Open(new[] { valRoot }, subset);
        if (val != null && !val.Classes.SequenceEqual(train.Classes))
            throw new TextureBiasException($"{valRoot}: its classes differ from the training data's");
        Directory.CreateDirectory(outDir);
        string checkpointPath = Path.Combine(outDir, CheckpointFile), bestPath = Path.Combine(outDir, BestFile);
        string metricsPath = Path.Combine(outDir, MetricsFile);
        var device = options.Device ?? Devices.Cpu;
        Devices.TuneFor(device, fixedSize: true); // every training crop has the same size

        // The network is made, initialised and loaded on the CPU (the same start on every
        // device), then moved; the optimiser follows the moved parameters.
        using var model = Architectures.Create(arch, options.NumClasses, options.Width, options.Blocks);
        if (options.ImageSize < model.MinimumInputSize)
            throw new TextureBiasException($"{arch} needs an --image-size of at least {model.MinimumInputSize}");
        model.ResetParameters(new Generator((ulong)Seeds.Mix(options.Seed, -1))); // the same start for the same seed
        if (options.Init is { } init) LoadInit(model, init);
        bool residual = model is ResNet or BagNet;
        model.Metadata = new ModelMetadata
        {
            Classes = train.Classes.ToList(), ImageSize = options.ImageSize, Evaluation = EvalPreprocessing(options.ImageSize),
            Width = residual ? options.Width : null, Blocks = residual ? ModelWeights.StageBlocks(model.state_dict().Keys) : null,
        };
        if (options.BatchNormMomentum is { } bnMomentum)
            foreach (var (_, m) in model.named_modules())
                if (m is TorchSharp.Modules.BatchNorm2d bn) bn.momentum = bnMomentum;
        Devices.MoveTo(model, device);
        var parameters = model.parameters().ToList();
        using var sgd = new Sgd(parameters, options.LearningRate, options.Momentum, options.WeightDecay);
        var scaler = LossScaler.For(options.Precision);
        var metrics = new List<EpochMetrics>();
        int startEpoch = 0, startStep = 0;
        double bestAcc1 = 0;
        var sums = new double[5]; // loss sum, top-1 hits, top-5 hits, images, seconds
        int skipped = 0; // fp16 steps of the epoch skipped for overflowing gradients
        if (resume && File.Exists(checkpointPath))
            (startEpoch, startStep, bestAcc1, sums, skipped) = Restore(model, sgd, scaler, options.Precision, arch, train.Classes, checkpointPath, metricsPath, metrics, onNotice);
        foreach (var restored in metrics) onEpoch?.Invoke(restored);
        if (options.Overwrite) DeleteRun(outDir);

        int stepsPerEpoch = (train.Samples.Count + options.Batch - 1) / options.Batch;
        for (int epoch = startEpoch; epoch < options.Epochs; epoch++)
        {
            sgd.LearningRate = options.LearningRateAt(epoch);
            model.train();
            var order = Enumerable.Range(0, train.Samples.Count).ToArray();
            new Random(Seeds.Mix(options.Seed, epoch)).Shuffle(order);
            int firstStep = epoch == startEpoch ? startStep : 0;
            if (firstStep == 0)
            {
                Array.Clear(sums);
                skipped = 0;
            }
            var paths = order.Skip(firstStep * options.Batch).Select(i => train.Samples[i].Path).ToList();
            var labels = new Dictionary<string, int>();
            foreach (var (path, label) in train.Samples) labels.TryAdd(path, label);
            var offset = firstStep * options.Batch;
            var loader = new ImageBatchLoader((image, position) =>
                RandomResizedCrop.Apply(image, options.ImageSize, new Random(Seeds.Mix(options.Seed, epoch, offset + position)), options.MinCropScale), options.Batch)
            {
                PinMemory = Devices.PinsMemory(device),
            };
            int step = firstStep;
            var clock = Stopwatch.StartNew();
            bool stopped = false;
            foreach (var batch in loader.Batches(paths, onFailure))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    manual_seed(Seeds.Mix(options.Seed, epoch, step, 7)); // dropout
                    var targets = batch.Paths.Select(p => (long)labels[p]).ToArray();
                    var input = Devices.Upload(batch.Input, device);
                    var y = tensor(targets, device: device);
                    sgd.ZeroGrad();
                    int n = targets.Length, parts = Math.Min(options.Accumulate, n);
                    var outputs = new List<Tensor>();
                    var losses = new List<Tensor>();
                    for (int k = 0, start = 0; k < parts; k++)
                    {
                        int count = n / parts + (k < n % parts ? 1 : 0);
                        Tensor logits, loss;
                        using (MixedPrecision.Autocast(device, options.Precision))
                        {
                            logits = model.forward(input.narrow(0, start, count));
                            loss = nn.functional.cross_entropy(logits, y.narrow(0, start, count)).Times((double)count / n);
                        }
                        scaler.ScaleLoss(loss).backward();
                        losses.Add(loss.detach());
                        outputs.Add(logits.detach());
                        start += count;
                    }
                    double scale = scaler.Scale;
                    if (!scaler.Step(parameters, sgd.Step))
                    {
                        skipped++;
                        onNotice?.Invoke(string.Create(CultureInfo.InvariantCulture,
                            $"fp16: step {step + 1} of epoch {epoch + 1} skipped: its gradients overflowed at loss scale {scale:G6}; the scale is now {scaler.Scale:G6}"));
                    }
                    var (lossValues, hits1, hits5) = BatchMetrics(losses, cat(outputs, 0), y);
                    foreach (var l in lossValues)
                    {
                        if (!float.IsFinite(l)) throw Diverged(outDir, epoch, step + 1, $"its loss is {l.ToString(CultureInfo.InvariantCulture)}");
                        sums[0] += l * n;
                    }
                    sums[1] += hits1;
                    sums[2] += hits5;
                    sums[3] += n;
                    step++;
                    progress?.Invoke(epoch + 1, step, stepsPerEpoch, sums[0] / Math.Max(1, sums[3]));
                }
                if (cancel.IsCancellationRequested)
                {
                    stopped = true;
                    break;
                }
            }
            sums[4] += clock.Elapsed.TotalSeconds;
            if (NonFiniteWeights.FirstIn(model) is { } broken)
                throw Diverged(outDir, epoch, step, $"{broken} is no longer finite");
            if (stopped)
            {
                Save(model, sgd, scaler, options.Precision, arch, checkpointPath, epoch, step, bestAcc1, sums, skipped);
                throw new TrainingInterruptedException(checkpointPath, epoch + 1, step, stepsPerEpoch, cancel);
            }

            double valTop1 = double.NaN, valTop5 = double.NaN;
            if (val != null)
            {
                // In float32, as `evaluate` measures it, on the training device.
                var result = Evaluator.Run(model, val, model.Metadata.Evaluation!, options.Batch, onFailure, device: device);
                (valTop1, valTop5) = (result.Top1, result.Top5);
            }
            double images = Math.Max(1, sums[3]);
            var line = new EpochMetrics(epoch + 1, sgd.LearningRate, sums[0] / images, 100 * sums[1] / images, 100 * sums[2] / images, valTop1, valTop5, sums[3] / Math.Max(sums[4], 1e-9))
            {
                SkippedSteps = skipped,
            };
            metrics.Add(line);
            double acc1 = double.IsNaN(valTop1) ? line.TrainTop1 : valTop1;
            bool best = acc1 > bestAcc1 || !File.Exists(bestPath);
            bestAcc1 = Math.Max(bestAcc1, acc1);
            Save(model, sgd, scaler, options.Precision, arch, checkpointPath, epoch + 1, 0, bestAcc1, new double[5], 0);
            if (best) File.Copy(checkpointPath, bestPath, overwrite: true);
            AtomicFile.WriteText(metricsPath, EpochMetrics.Header + "\n" + string.Concat(metrics.Select(m => m + "\n")));
            onEpoch?.Invoke(line);
        }
        return metrics;
    }

    /// <summary>
    /// The error of a run whose loss or weights stopped being finite: it names the step, keeps
    /// the last checkpoint (nothing of the broken step is saved) and says what usually helps.
    /// </summary>
    private static TextureBiasException Diverged(string outDir, int epoch, int step, string what) => new(string.Create(CultureInfo.InvariantCulture,
        $"{outDir}: training diverged at step {step} of epoch {epoch + 1}: {what}. Nothing of this epoch was saved; a lower --lr (or float32 instead of --amp) usually helps, and --resume continues from the last checkpoint"));

    /// <summary>
    /// A step's metrics, computed on the device and brought to the CPU in one copy: the loss of
    /// each micro-batch (float32, as <c>loss.item()</c> gives it), and how many targets are the
    /// top-1 and among the top-5 logits (<see cref="TopK.Hits"/>'s rule).
    /// </summary>
    private static (float[] Losses, long Top1, long Top5) BatchMetrics(IReadOnlyList<Tensor> losses, Tensor logits, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var column = targets.unsqueeze(1);
        var top1 = logits.topk(1, 1).indexes.eq(column).any(1).sum();
        var top5 = logits.topk((int)Math.Min(5, logits.shape[1]), 1).indexes.eq(column).any(1).sum();
        var all = cat(new[] { stack(losses).to(ScalarType.Float64), stack(new[] { top1, top5 }).to(ScalarType.Float64) }, 0);
        var values = Devices.On(all, Devices.Cpu).data<double>().ToArray();
        return (values.Take(losses.Count).Select(v => (float)v).ToArray(), (long)values[^2], (long)values[^1]);
    }

    private static void LoadInit(ImageClassifier model, string path)
    {
        using var checkpoint = WeightFile.Read(path);
        // Fine-tuning to another number of classes keeps the new classifier. Keys are compared
        // after torchvision's renames (a published DenseNet's norm.1 ... is the model's norm1).
        var fitting = ModelWeights.Adapted(model, checkpoint.StateDict).Where(kv => !model.state_dict().TryGetValue(kv.Key, out var t) || t.shape.SequenceEqual(kv.Value.shape))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var skipped = model.state_dict().Keys.Where(k => !fitting.ContainsKey(k) && !k.EndsWith("num_batches_tracked")).ToList();
        foreach (var k in skipped) fitting[k] = model.state_dict()[k];
        ModelWeights.Apply(model, fitting, path);
    }

    /// <summary>The checkpoint key of the precision a run trains in (absent: float32).</summary>
    internal const string AmpKey = "texturebias_amp";

    /// <summary>The checkpoint keys of fp16's loss scaler: its scale and good steps in a row, and the epoch's skipped steps so far.</summary>
    internal const string LossScaleKey = "texturebias_loss_scale", LossScaleGoodStepsKey = "texturebias_loss_scale_good_steps", SkippedStepsKey = "texturebias_skipped_steps";

    private static void Save(ImageClassifier model, Sgd sgd, LossScaler scaler, Precision precision, string arch, string path, int epoch, int step, double bestAcc1, double[] sums, int skipped)
    {
        // Written from the CPU (copies of whatever is elsewhere), so the checkpoint loads anywhere.
        using var scope = NewDisposeScope();
        var stateDict = new LegacyTorchWriter.OrderedState(model.state_dict().Select(kv => new KeyValuePair<string, object?>(kv.Key, Devices.On(kv.Value, Devices.Cpu))).ToList());
        var tree = new Dictionary<string, object?>
        {
            ["epoch"] = epoch,
            ["arch"] = arch,
            ["state_dict"] = stateDict,
            ["best_acc1"] = tensor(bestAcc1, device: Devices.Cpu),
            ["optimizer"] = sgd.StateDict(on: Devices.Cpu),
        };
        foreach (var (key, value) in model.Metadata.ToCheckpointEntries()) tree[key] = value;
        tree["texturebias_step"] = step;
        tree["texturebias_sums"] = sums.Cast<object?>().ToList();
        if (precision != Precision.Float32) tree[AmpKey] = MixedPrecision.Name(precision);
        if (scaler.Enabled)
        {
            tree[LossScaleKey] = scaler.Scale;
            tree[LossScaleGoodStepsKey] = scaler.GoodSteps;
            tree[SkippedStepsKey] = skipped;
        }
        WeightFile.SaveTree(path, tree);
    }

    /// <summary>Deletes the files of a run in <paramref name="outDir"/>, and any temporary files an interrupted write of them left.</summary>
    private static void DeleteRun(string outDir)
    {
        foreach (var file in RunFiles)
        {
            File.Delete(Path.Combine(outDir, file));
            foreach (var tmp in Directory.EnumerateFiles(outDir, $".{file}.*.tmp")) File.Delete(tmp);
        }
    }

    /// <summary>
    /// Loads the run in <paramref name="path"/> (read on the CPU, copied to where the model and
    /// optimiser are). A run may continue in another precision than it was trained in so far: the
    /// numbers stay float32 either way; the user hears of it, and fp16's loss scale is restored
    /// only when the run was in fp16 before (else it starts at its initial value).
    /// </summary>
    private static (int Epoch, int Step, double Best, double[] Sums, int Skipped) Restore(ImageClassifier model, Sgd sgd, LossScaler scaler, Precision precision,
        string arch, IReadOnlyList<string> classes, string path, string metricsPath, List<EpochMetrics> metrics, Action<string>? onNotice)
    {
        if (WeightFile.ReadTree(path) is not PyDict root || root.GetValueOrDefault("state_dict") is not PyDict sd)
            throw new WeightFileException(path, "not a training checkpoint");
        if (root.GetValueOrDefault("arch") is string trained && !trained.Equals(arch, StringComparison.OrdinalIgnoreCase))
            throw new TextureBiasException($"{path}: the run trains {trained}, not {arch}; give --arch {trained} to continue it, or --overwrite to start afresh");
        ModelMetadata recordedMetadata;
        try
        {
            recordedMetadata = ModelMetadata.FromCheckpoint(root);
        }
        catch (FormatException malformed)
        {
            throw new WeightFileException(path, malformed.Message, malformed);
        }
        if (recordedMetadata.Classes is { } recorded && !recorded.SequenceEqual(classes))
            throw new TextureBiasException($"{path}: the run was trained on other classes ({Names(recorded)}) than the training data has ({Names(classes)}); " +
                "continue it on the same data, or give --overwrite to start afresh");
        ModelWeights.Apply(model, WeightFile.NormaliseKeys(sd.Where(kv => kv.Key is string && kv.Value is Tensor).ToDictionary(kv => (string)kv.Key, kv => (Tensor)kv.Value!)), path);
        int epoch = root.GetValueOrDefault("epoch") is long e ? (int)e : 0;
        int step = root.GetValueOrDefault("texturebias_step") is long s ? (int)s : 0;
        double best = root.GetValueOrDefault("best_acc1") switch { Tensor t => t.to(ScalarType.Float64).item<double>(), double d => d, _ => 0 };
        var sums = root.GetValueOrDefault("texturebias_sums") is List<object?> l ? l.Select(v => v is double d ? d : v is long x ? x : 0).ToArray() : new double[5];
        if (root.GetValueOrDefault("optimizer") is PyDict opt && opt.GetValueOrDefault("state") is PyDict state)
        {
            var buffers = new Dictionary<int, Tensor>();
            foreach (var (k, v) in state)
                if (k is long i && v is PyDict entry && entry.GetValueOrDefault("momentum_buffer") is Tensor b) buffers[(int)i] = b;
            sgd.LoadBuffers(buffers);
        }
        var recordedPrecision = root.GetValueOrDefault(AmpKey) is string amp ? ParsePrecision(amp, path) : Precision.Float32;
        int skipped = 0;
        if (recordedPrecision != precision)
            onNotice?.Invoke($"{path}: the run trained in {MixedPrecision.Name(recordedPrecision)} so far and continues in {MixedPrecision.Name(precision)}");
        else if (scaler.Enabled && root.GetValueOrDefault(LossScaleKey) is double scale)
        {
            if (!(scale > 0) || double.IsInfinity(scale)) throw new WeightFileException(path, $"{LossScaleKey} must be positive and finite, not {scale}");
            scaler.Restore(scale, root.GetValueOrDefault(LossScaleGoodStepsKey) is long good ? (int)Math.Clamp(good, 0, int.MaxValue) : 0);
            if (step > 0 && root.GetValueOrDefault(SkippedStepsKey) is long s2) skipped = (int)Math.Clamp(s2, 0, int.MaxValue);
        }
        if (File.Exists(metricsPath))
            foreach (var line in File.ReadAllLines(metricsPath).Skip(1))
            {
                var f = line.Split(',').Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                if ((int)f[0] <= epoch) metrics.Add(new EpochMetrics((int)f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]));
            }
        return (epoch, step, best, sums, skipped);
    }

    private static Precision ParsePrecision(string amp, string path)
    {
        try
        {
            return MixedPrecision.Parse(amp, AmpKey);
        }
        catch (TextureBiasException e)
        {
            throw new WeightFileException(path, e.Message, e);
        }
    }

    private static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(6)) + (names.Count > 6 ? $", … {names.Count} in all" : "");
}
