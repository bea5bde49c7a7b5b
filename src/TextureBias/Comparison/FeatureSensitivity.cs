using TextureBias.Attribution;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Interpretation;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Comparison;

/// <summary>
/// Feature sensitivity by masking (the BagNet paper's §5 question: do deep networks rely on the regions that carry a
/// BagNet's evidence?): each image's q×q patches (a centred grid) are ranked by a heatmap of its true class, the top k
/// are masked for each k of <see cref="MaskingOptions.Steps"/>, and each model's true-class logit and top-1/top-5
/// accuracy are recorded per k. The paper's exact protocol (patch size, number, mask value, metric) is not known; these are
/// options. All masked copies of an image go through a network as one batch, on the network's device; images are decoded
/// on the CPU and uploaded, and logits and patch scores come back to the CPU.
/// </summary>
public static class FeatureSensitivity
{
    /// <summary>
    /// Runs the experiment on the image folder <paramref name="data"/> (classes the models know: ImageNet WNIDs, or the
    /// networks' own class names) for every model and ranking; returns one point per model, ranking and step. The networks
    /// (and the rankings' BagNets) are moved to <paramref name="device"/> (null: each runs where it is).
    /// </summary>
    public static IReadOnlyList<MaskingPoint> Run(IReadOnlyList<RobustnessModel> models, string data, Preprocessing geometry,
        IReadOnlyList<PatchRanking> rankings, MaskingOptions? options = null, Action<ImageFailure>? onFailure = null,
        Action<int>? progress = null, CancellationToken cancel = default, Device? device = null)
    {
        options ??= new MaskingOptions();
        if (models.Count == 0) throw new ArgumentException("no model", nameof(models));
        if (rankings.Count == 0) throw new ArgumentException("no ranking", nameof(rankings));
        if (options.Patch < 1) throw new TextureBiasException("the patch side must be positive");
        if (options.Steps.Count == 0 || options.Steps.Any(k => k < 0)) throw new TextureBiasException("the steps must be 0 or more patches");
        var folder = ImageFolder.Open(new[] { data });
        var samples = EvenSpread.Of(folder.Samples, options.MaxImages);
        var outputs = models.Select(m => Indices(folder, m.Model, m.Name)).ToList();
        var bagnetOutputs = rankings.Where(r => r.BagNet is not null).ToDictionary(r => r.Name, r => Indices(folder, r.BagNet!, r.Name));
        foreach (var m in models) m.Model.eval();
        foreach (var r in rankings) r.BagNet?.eval();
        using var frozen = FrozenWeights.Of(models.Select(m => m.Model).Concat(rankings.Where(r => r.BagNet is not null).Select(r => r.BagNet!)).Distinct());
        if (device is not null)
        {
            foreach (var m in models) Devices.MoveTo(m.Model, device);
            foreach (var r in rankings) if (r.BagNet is { } b) Devices.MoveTo(b, device);
        }
        var steps = options.Steps.Distinct().Order().ToList();
        int mCount = models.Count, rCount = rankings.Count, sCount = steps.Count;
        var logitSum = new double[mCount, rCount, sCount];
        var top1 = new int[mCount, rCount, sCount];
        var top5 = new int[mCount, rCount, sCount];
        int images = 0, seen = 0;
        var labelOf = samples.ToDictionary(s => s.Path, s => s.Label);
        var indexOf = samples.Select((s, i) => (s.Path, i)).ToDictionary(x => x.Path, x => x.i);
        int minimum = Math.Max(options.Patch, models.Max(m => m.Model.MinimumInputSize));
        var loader = new ImageBatchLoader((image, _) => geometry.Geometry(image), 1, normalize: false) { MinimumSide = minimum, MinimumSideNeededBy = "the models and patches", PinMemory = Devices.PinsMemory(device) };
        foreach (var batch in loader.Batches(samples.Select(s => s.Path).ToList(), f => { onFailure?.Invoke(f); progress?.Invoke(++seen); }, cancel))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var pixels = batch.Input; // [1,3,H,W] in [0,1], on the CPU
                int label = labelOf[batch.Paths[0]], index = indexOf[batch.Paths[0]];
                progress?.Invoke(++seen);
                var grid = new PatchGrid((int)pixels.shape[2], (int)pixels.shape[3], options.Patch);
                for (int r = 0; r < rCount; r++)
                {
                    var ranking = rankings[r];
                    int[]? shared = ranking.BagNet is { } bagnet
                        ? Order(grid, BagNetHeatmap(bagnet, Devices.Upload(pixels, Devices.Of(bagnet)), bagnetOutputs[ranking.Name][label]))
                        : ranking.OwnMethod is null ? RandomOrder(grid.Count, options.Seed, index) : null;
                    for (int m = 0; m < mCount; m++)
                    {
                        using var modelScope = NewDisposeScope();
                        var model = models[m];
                        int target = outputs[m][label];
                        var input = Normalise(Devices.Upload(pixels, Devices.Of(model.Model)), model.Normalization);
                        var order = shared ?? Order(grid, Attributions.Heatmaps(
                            Attributions.Compute(model.Model, input, [target], ranking.OwnMethod!.Value, options.Attribution))[0]);
                        var fill = Attributions.Baseline(input, options.Attribution with { Baseline = options.Fill });
                        var masked = input.repeat(sCount, 1, 1, 1);
                        for (int s = 0; s < sCount; s++)
                            for (int p = 0; p < Math.Min(steps[s], order.Length); p++)
                            {
                                var (y, x) = grid.Origin(order[p]);
                                SquareMask.Apply(masked[s], fill[0], x, y, options.Patch);
                            }
                        Tensor logits;
                        using (no_grad()) logits = Devices.On(model.Model.forward(masked), Devices.Cpu);
                        var targets = Enumerable.Repeat(target, sCount).ToList();
                        var h1 = TopK.Hits(logits, targets, 1);
                        var h5 = TopK.Hits(logits, targets, 5);
                        var values = logits.select(1, target).data<float>().ToArray();
                        for (int s = 0; s < sCount; s++)
                        {
                            logitSum[m, r, s] += values[s];
                            if (h1[s]) top1[m, r, s]++;
                            if (h5[s]) top5[m, r, s]++;
                        }
                    }
                }
                images++;
            }
        }
        var points = new List<MaskingPoint>();
        for (int m = 0; m < mCount; m++)
            for (int r = 0; r < rCount; r++)
                for (int s = 0; s < sCount; s++)
                {
                    double n = Math.Max(images, 1);
                    points.Add(new MaskingPoint(models[m].Name, rankings[r].Name, steps[s], images,
                        images == 0 ? double.NaN : logitSum[m, r, s] / n, images == 0 ? double.NaN : top1[m, r, s] / n, images == 0 ? double.NaN : top5[m, r, s] / n));
                }
        return points;
    }

    /// <summary>Writes the points as CSV (model, ranking, masked, images, true_class_logit, top1, top5), atomically.</summary>
    public static void WriteCsv(string path, IReadOnlyList<MaskingPoint> points)
    {
        static string F(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        AtomicFile.WriteText(path, "model,ranking,masked,images,true_class_logit,top1,top5\n" + string.Concat(points.Select(p =>
            $"{CsvText.Field(p.Model)},{CsvText.Field(p.Ranking)},{p.Masked},{p.Images},{F(p.TrueClassLogit)},{F(p.Top1)},{F(p.Top5)}\n")));
    }

    /// <summary>Patch indices by descending score of <paramref name="heatmap"/> [H,W] (on any device) summed over each patch (ties: lower index first).</summary>
    public static int[] Order(PatchGrid grid, Tensor heatmap)
    {
        using var scope = NewDisposeScope();
        int q = grid.Patch;
        var scores = Devices.On(heatmap.detach().narrow(0, grid.Top, grid.Rows * q).narrow(1, grid.Left, grid.Columns * q)
            .reshape(grid.Rows, q, grid.Columns, q).sum([1, 3]).flatten().to(ScalarType.Float64), Devices.Cpu).data<double>().ToArray();
        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
    }

    static int[] RandomOrder(int count, int seed, int image)
    {
        var rng = new Random(Seeds.Mix(seed, image, 0x5eed));
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        return order;
    }

    static Tensor BagNetHeatmap(BagNet bagnet, Tensor pixels, int target) =>
        Heatmap.Dense(bagnet, Normalise(pixels, bagnet.Metadata.EvaluationOr(Preprocessing.ImageNetEval))[0], [target])[0];

    static Tensor Normalise(Tensor pixels, Preprocessing normalization) => Preprocessing.Normalize(pixels, normalization.Mean, normalization.Std);

    static int[] Indices(ImageFolder folder, ImageClassifier model, string name)
    {
        try { return folder.ModelIndices(model.NumClasses, model.Metadata.Classes); }
        catch (TextureBiasException e) { throw new TextureBiasException($"{name}: {e.Message}"); }
    }

}
