using TextureBias.Models;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models.Serialization;
using TextureBias.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// Trains an AdaIN decoder as pytorch-AdaIN's <c>train.py</c>: the encoder is frozen; the loss is
/// the content loss (MSE between relu4_1 of the decoded image and the AdaIN target) plus the
/// style loss (MSE of the channel means and standard deviations at relu1_1, relu2_1, relu3_1 and
/// relu4_1). Every checkpoint writes <c>decoder_iter_N.pth.tar</c> (a state_dict PyTorch loads),
/// the optimizer state and <c>state.json</c>; a resumed run continues exactly where the last
/// checkpoint stood, because image order and crops follow from the seed and the iteration.
/// <c>losses.csv</c> logs the losses. The networks run on the given device (null: where the
/// encoder is), batches are made on a CPU thread (in pinned memory for CUDA) and uploaded; with
/// mixed precision (<see cref="DecoderTrainingOptions.Precision"/>) autocast runs the encoder's
/// and the decoder's forward passes while the statistics and losses stay float32, and fp16 scales
/// the loss (<see cref="LossScaler"/>, its state checkpointed in <c>state.json</c>).
/// </summary>
public static class DecoderTrainer
{
    /// <summary>
    /// Trains on <paramref name="device"/> (null: where <paramref name="encoder"/> is; the encoder
    /// is moved there); resumes from <paramref name="outDir"/> when <paramref name="resume"/> and a
    /// checkpoint is there.
    /// </summary>
    /// <returns>The iteration reached.</returns>
    public static int Train(VggEncoder encoder, string contentDir, string styleDir, string outDir, DecoderTrainingOptions options,
        bool resume = false, Action<int, double, double>? progress = null, CancellationToken cancel = default, Device? device = null)
    {
        CheckOptions(options);
        var contents = ImageFiles.Find(new[] { contentDir });
        var styles = ImageFiles.Find(new[] { styleDir });
        if (contents.Count == 0 || styles.Count == 0) throw new TextureBiasException($"no images in {(contents.Count == 0 ? contentDir : styleDir)}");
        Directory.CreateDirectory(outDir);
        string statePath = Path.Combine(outDir, "state.json"), optimizerPath = Path.Combine(outDir, "optimizer.state");
        string logPath = Path.Combine(outDir, "losses.csv");

        var on = Devices.Place(encoder, device);
        Devices.TuneFor(on, fixedSize: true); // every batch is Batch crops of Crop × Crop
        encoder.eval();
        foreach (var p in encoder.parameters()) p.requires_grad = false;
        using var decoder = new AdaInDecoder();
        decoder.train();
        int start = 0;
        var log = new List<string>();
        var scaler = LossScaler.For(options.Precision);
        bool resuming = resume && File.Exists(statePath);
        if (options.InitialDecoder is { } initial && !resuming)
            ModelWeights.Load(decoder, initial);
        if (resuming)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(statePath));
            start = doc.RootElement.GetProperty("iteration").GetInt32();
            ModelWeights.Load(decoder, Path.Combine(outDir, doc.RootElement.GetProperty("decoder").GetString()!));
            if (scaler.Enabled && doc.RootElement.TryGetProperty("loss_scale", out var scale) && scale.ValueKind == JsonValueKind.Number)
                scaler.Restore(scale.GetDouble(), doc.RootElement.TryGetProperty("good_steps", out var good) && good.ValueKind == JsonValueKind.Number ? good.GetInt32() : 0);
            if (File.Exists(logPath))
                log = File.ReadAllLines(logPath).Skip(1).Where(l => int.Parse(l.Split(',')[0], CultureInfo.InvariantCulture) <= start).ToList();
        }
        Devices.MoveTo(decoder, on);
        using var adam = new Adam(decoder.parameters(), options.LearningRate); // after the move: the parameters on the device
        if (resuming) adam.Load(optimizerPath);
        bool pin = Devices.PinsMemory(on);

        using var batches = new BlockingCollection<(int Iteration, Tensor Content, Tensor Style)>(2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var loader = Task.Run(() =>
        {
            try
            {
                for (int i = start; i < options.MaxIterations && !stop.IsCancellationRequested; i++)
                    batches.Add((i, Batch(contents, i, 0, options, pin), Batch(styles, i, 1, options, pin)), stop.Token);
            }
            catch (OperationCanceledException) { }
            finally { batches.CompleteAdding(); }
        });
        int iteration = start;
        try
        {
            foreach (var (i, contentBatch, styleBatch) in batches.GetConsumingEnumerable(stop.Token))
            {
                using var contentOnCpu = contentBatch;
                using var styleOnCpu = styleBatch;
                adam.LearningRate = options.LearningRate / (1 + options.LearningRateDecay * i);
                var (lc, ls) = Step(encoder, decoder, adam, scaler, contentBatch, styleBatch, options);
                // fp16's scaler skips the steps whose numbers overflowed; elsewhere a loss that is no
                // longer finite means the weights are gone.
                if (!scaler.Enabled && !(double.IsFinite(lc) && double.IsFinite(ls)))
                    throw Diverged(outDir, i + 1, $"its loss is {(lc + ls).ToString(CultureInfo.InvariantCulture)}");
                iteration = i + 1;
                progress?.Invoke(iteration, lc, ls);
                double lr = adam.LearningRate;
                if (iteration % options.LogInterval == 0 || iteration == options.MaxIterations)
                    log.Add(string.Create(CultureInfo.InvariantCulture, $"{iteration},{lr:G6},{lc:G6},{ls:G6},{lc + ls:G6}"));
                if (iteration % options.CheckpointInterval == 0 || iteration == options.MaxIterations)
                {
                    if (NonFiniteWeights.FirstIn(decoder) is { } broken) throw Diverged(outDir, iteration, $"{broken} is no longer finite");
                    Checkpoint(decoder, adam, scaler, outDir, iteration, log, options);
                }
                if (cancel.IsCancellationRequested) break;
            }
        }
        finally
        {
            stop.Cancel();
            try { loader.Wait(); } catch (AggregateException) { }
        }
        cancel.ThrowIfCancellationRequested();
        return iteration;
    }

    /// <summary>
    /// One iteration of training at the optimiser's learning rate: content and style batches
    /// [N,3,H,W] in [0,1] (uploaded to the decoder's device when elsewhere) give the AdaIN target
    /// and the style statistics; the decoder's output is encoded again, and Adam takes a step on
    /// the weighted content and style losses. With mixed precision
    /// (<see cref="DecoderTrainingOptions.Precision"/>) the encoder's and the decoder's forward passes
    /// are autocast, statistics and losses are float32, and <paramref name="scaler"/> (enabled for
    /// fp16) scales the loss and skips a step whose gradients overflowed.
    /// </summary>
    /// <returns>The weighted content and style losses.</returns>
    public static (double Content, double Style) Step(VggEncoder encoder, AdaInDecoder decoder, Adam adam, LossScaler scaler,
        Tensor content, Tensor style, DecoderTrainingOptions options)
    {
        var on = Devices.Of(decoder);
        var relus = VggEncoder.AdaInLayers;
        using var scope = NewDisposeScope();
        content = Devices.Upload(content, on);
        style = Devices.Upload(style, on);
        Tensor[] styleFeats;
        Tensor contentFeat, target;
        using (no_grad())
        {
            using (MixedPrecision.Autocast(on, options.Precision))
            {
                styleFeats = encoder.Features(style, relus);
                contentFeat = encoder.forward(content);
            }
            styleFeats = styleFeats.Select(StyleTransfer.Float32).ToArray();
            target = AdaIn.Apply(StyleTransfer.Float32(contentFeat), styleFeats[^1]);
        }
        Tensor[] outFeats;
        using (MixedPrecision.Autocast(on, options.Precision))
            outFeats = encoder.Features(decoder.forward(target), relus);
        outFeats = outFeats.Select(StyleTransfer.Float32).ToArray(); // statistics and losses in float32
        var contentLoss = nn.functional.mse_loss(outFeats[^1], target);
        Tensor styleLoss = zeros(1, device: target.device);
        for (int l = 0; l < relus.Count; l++)
        {
            var (om, os) = AdaIn.MeanStd(outFeats[l]);
            var (sm, ss) = AdaIn.MeanStd(styleFeats[l]);
            styleLoss = styleLoss.Plus(nn.functional.mse_loss(om, sm)).Plus(nn.functional.mse_loss(os, ss));
        }
        var weightedContent = contentLoss.Times(options.ContentWeight);
        var weightedStyle = styleLoss.Times(options.StyleWeight).sum();
        var loss = weightedContent.Plus(weightedStyle);
        adam.ZeroGrad();
        scaler.ScaleLoss(loss).backward();
        scaler.Step(decoder.parameters(), adam.Step); // fp16: unscaled, skipped when a gradient overflowed
        return (weightedContent.item<float>(), weightedStyle.item<float>());
    }

    /// <summary>The error of a run whose loss or weights stopped being finite: nothing of it is saved.</summary>
    private static TextureBiasException Diverged(string outDir, int iteration, string what) => new(string.Create(CultureInfo.InvariantCulture,
        $"{outDir}: decoder training diverged at iteration {iteration}: {what}. Nothing since the last checkpoint was saved; a lower --lr (or float32 instead of --amp) usually helps, and --resume continues from the last checkpoint"));

    /// <summary>Refuses options no training can run with, before any work.</summary>
    /// <exception cref="TextureBiasException">One line naming the problem.</exception>
    public static void CheckOptions(DecoderTrainingOptions options)
    {
        if (options.Batch < 1 || options.MaxIterations < 1 || options.Crop < 1 || options.ResizeTo < options.Crop || options.CheckpointInterval < 1 || options.LogInterval < 1)
            throw new TextureBiasException("batch, iterations, crop, checkpoint and log intervals must be positive, and the resize at least the crop");
        if (options.Crop < StyleTransfer.MinimumSide)
            throw new TextureBiasException($"--crop {options.Crop} is too small: {StyleTransfer.EncoderName} needs at least {StyleTransfer.MinimumSide} pixels");
    }

    private static void Checkpoint(AdaInDecoder decoder, Adam adam, LossScaler scaler, string outDir, int iteration, List<string> log, DecoderTrainingOptions options)
    {
        string name = $"decoder_iter_{iteration}.pth.tar";
        ModelWeights.Save(decoder, Path.Combine(outDir, name));
        adam.Save(Path.Combine(outDir, "optimizer.state"));
        AtomicFile.WriteText(Path.Combine(outDir, "losses.csv"), "iteration,lr,content_loss,style_loss,loss\n" + string.Join("", log.Select(l => l + "\n")));
        // Written last: a checkpoint counts only once all its files are there.
        var state = new Dictionary<string, object> { ["iteration"] = iteration, ["decoder"] = name, ["options"] = options };
        if (scaler.Enabled)
        {
            state["loss_scale"] = scaler.Scale;
            state["good_steps"] = scaler.GoodSteps;
        }
        AtomicFile.WriteText(Path.Combine(outDir, "state.json"), JsonSerializer.Serialize(state));
    }

    /// <summary>
    /// The batch of iteration <paramref name="iteration"/>: images drawn in a seeded order that
    /// reshuffles every pass over the folder, resized to a square and randomly cropped.
    /// Unreadable images are replaced by the next one in the order. Made on the CPU, in pinned
    /// memory when <paramref name="pin"/> (for CUDA).
    /// </summary>
    private static Tensor Batch(List<string> files, int iteration, int stream, DecoderTrainingOptions options, bool pin)
    {
        var images = new float[options.Batch][];
        Parallel.For(0, options.Batch, b =>
        {
            long position = (long)iteration * options.Batch + b;
            for (int attempt = 0; ; attempt++)
            {
                if (attempt >= files.Count) throw new TextureBiasException("no readable image in the training folder");
                long p = position + attempt;
                long epoch = p / files.Count;
                var order = Permutation(files.Count, options.Seed, stream, epoch);
                string path = files[order[(int)(p % files.Count)]];
                RgbImage image;
                try { image = ImageDecoder.Decode(path); }
                catch (ImageDecodeException) { continue; }
                var rng = new Random(Seeds.Mix(options.Seed, stream, iteration, b));
                var square = PilResize.Bilinear(image, options.ResizeTo, options.ResizeTo);
                int x = rng.Next(0, options.ResizeTo - options.Crop + 1), y = rng.Next(0, options.ResizeTo - options.Crop + 1);
                var crop = Preprocessing.CropRegion(square, x, y, options.Crop, options.Crop);
                var chw = new float[3 * options.Crop * options.Crop];
                int plane = options.Crop * options.Crop;
                for (int c = 0; c < 3; c++)
                    for (int i = 0; i < plane; i++)
                        chw[c * plane + i] = crop.Pixels[i * 3 + c] / 255f;
                images[b] = chw;
                return;
            }
        });
        return Devices.PinIf(tensor(images.SelectMany(a => a).ToArray(), new long[] { options.Batch, 3, options.Crop, options.Crop }, device: Devices.Cpu), pin);
    }

    private static readonly ConcurrentDictionary<(int, int, int, long), int[]> Permutations = new();

    private static int[] Permutation(int n, int seed, int stream, long epoch) =>
        Permutations.GetOrAdd((n, seed, stream, epoch), _ =>
        {
            if (Permutations.Count > 8) Permutations.Clear();
            var order = Enumerable.Range(0, n).ToArray();
            new Random(Seeds.Mix(seed, stream, epoch, -1)).Shuffle(order);
            return order;
        });
}
