using TextureBias.Models;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models.Serialization;
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
/// <c>losses.csv</c> logs the losses.
/// </summary>
public static class DecoderTrainer
{
    /// <summary>Trains; resumes from <paramref name="outDir"/> when <paramref name="resume"/> and a checkpoint is there.</summary>
    /// <returns>The iteration reached.</returns>
    public static int Train(VggEncoder encoder, string contentDir, string styleDir, string outDir, DecoderTrainingOptions options,
        bool resume = false, Action<int, double, double>? progress = null, CancellationToken cancel = default)
    {
        CheckOptions(options);
        var contents = ImageFiles.Find(new[] { contentDir });
        var styles = ImageFiles.Find(new[] { styleDir });
        if (contents.Count == 0 || styles.Count == 0) throw new TextureBiasException($"no images in {(contents.Count == 0 ? contentDir : styleDir)}");
        Directory.CreateDirectory(outDir);
        string statePath = Path.Combine(outDir, "state.json"), optimizerPath = Path.Combine(outDir, "optimizer.state");
        string logPath = Path.Combine(outDir, "losses.csv");

        encoder.eval();
        foreach (var p in encoder.parameters()) p.requires_grad = false;
        using var decoder = new AdaInDecoder();
        decoder.train();
        using var adam = new Adam(decoder.parameters(), options.LearningRate);
        int start = 0;
        var log = new List<string>();
        if (options.InitialDecoder is { } initial && !(resume && File.Exists(statePath)))
            ModelWeights.Load(decoder, initial);
        if (resume && File.Exists(statePath))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(statePath));
            start = doc.RootElement.GetProperty("iteration").GetInt32();
            ModelWeights.Load(decoder, Path.Combine(outDir, doc.RootElement.GetProperty("decoder").GetString()!));
            adam.Load(optimizerPath);
            if (File.Exists(logPath))
                log = File.ReadAllLines(logPath).Skip(1).Where(l => int.Parse(l.Split(',')[0], CultureInfo.InvariantCulture) <= start).ToList();
        }

        var relus = VggEncoder.AdaInLayers;
        using var batches = new BlockingCollection<(int Iteration, Tensor Content, Tensor Style)>(2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var loader = Task.Run(() =>
        {
            try
            {
                for (int i = start; i < options.MaxIterations && !stop.IsCancellationRequested; i++)
                    batches.Add((i, Batch(contents, i, 0, options), Batch(styles, i, 1, options)), stop.Token);
            }
            catch (OperationCanceledException) { }
            finally { batches.CompleteAdding(); }
        });
        int iteration = start;
        try
        {
            foreach (var (i, content, style) in batches.GetConsumingEnumerable(stop.Token))
            {
                using var scope = NewDisposeScope();
                content.MoveToOuterDisposeScope();
                style.MoveToOuterDisposeScope();
                double lr = options.LearningRate / (1 + options.LearningRateDecay * i);
                adam.LearningRate = lr;
                Tensor[] styleFeats;
                Tensor contentFeat, target;
                using (no_grad())
                {
                    styleFeats = encoder.Features(style, relus);
                    contentFeat = encoder.forward(content);
                    target = AdaIn.Apply(contentFeat, styleFeats[^1]);
                }
                var decoded = decoder.forward(target);
                var outFeats = encoder.Features(decoded, relus);
                var contentLoss = nn.functional.mse_loss(outFeats[^1], target);
                Tensor styleLoss = zeros(1);
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
                loss.backward();
                adam.Step();
                iteration = i + 1;
                double lc = weightedContent.item<float>(), ls = weightedStyle.item<float>();
                progress?.Invoke(iteration, lc, ls);
                if (iteration % options.LogInterval == 0 || iteration == options.MaxIterations)
                    log.Add(string.Create(CultureInfo.InvariantCulture, $"{iteration},{lr:G6},{lc:G6},{ls:G6},{lc + ls:G6}"));
                if (iteration % options.CheckpointInterval == 0 || iteration == options.MaxIterations)
                    Checkpoint(decoder, adam, outDir, iteration, log, options);
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

    /// <summary>Refuses options no training can run with, before any work.</summary>
    /// <exception cref="TextureBiasException">One line naming the problem.</exception>
    public static void CheckOptions(DecoderTrainingOptions options)
    {
        if (options.Batch < 1 || options.MaxIterations < 1 || options.Crop < 1 || options.ResizeTo < options.Crop || options.CheckpointInterval < 1 || options.LogInterval < 1)
            throw new TextureBiasException("batch, iterations, crop, checkpoint and log intervals must be positive, and the resize at least the crop");
        if (options.Crop < StyleTransfer.MinimumSide)
            throw new TextureBiasException($"--crop {options.Crop} is too small: {StyleTransfer.EncoderName} needs at least {StyleTransfer.MinimumSide} pixels");
    }

    private static void Checkpoint(AdaInDecoder decoder, Adam adam, string outDir, int iteration, List<string> log, DecoderTrainingOptions options)
    {
        string name = $"decoder_iter_{iteration}.pth.tar";
        ModelWeights.Save(decoder, Path.Combine(outDir, name));
        adam.Save(Path.Combine(outDir, "optimizer.state"));
        AtomicFile.WriteText(Path.Combine(outDir, "losses.csv"), "iteration,lr,content_loss,style_loss,loss\n" + string.Join("", log.Select(l => l + "\n")));
        // Written last: a checkpoint counts only once all its files are there.
        AtomicFile.WriteText(Path.Combine(outDir, "state.json"), JsonSerializer.Serialize(new { iteration, decoder = name, options }));
    }

    /// <summary>
    /// The batch of iteration <paramref name="iteration"/>: images drawn in a seeded order that
    /// reshuffles every pass over the folder, resized to a square and randomly cropped.
    /// Unreadable images are replaced by the next one in the order.
    /// </summary>
    private static Tensor Batch(List<string> files, int iteration, int stream, DecoderTrainingOptions options)
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
        return tensor(images.SelectMany(a => a).ToArray(), new long[] { options.Batch, 3, options.Crop, options.Crop });
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
