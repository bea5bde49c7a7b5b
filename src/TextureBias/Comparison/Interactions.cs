using TextureBias.Attribution;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Comparison;

/// <summary>
/// Interactions between image parts (the BagNet paper's third comparison of BagNets with deep networks): for pairs of square
/// patches p, q at a range of gaps, the logit changes Δ(S) = f(x) − f(x with the patches of S masked) for S = {p}, {q}, {p,q},
/// and per gap bin the Pearson correlation between Δ({p,q}) and Δ({p}) + Δ({q}) and the mean non-additivity
/// |Δ({p,q}) − Δ({p}) − Δ({q})|. A network without interactions between distant parts (a BagNet beyond its receptive field) has
/// correlation 1 and non-additivity 0 there. All masked copies of an image run through the network as one batch (in chunks of
/// <see cref="InteractionOptions.BatchSize"/>), in eval mode without gradients, on the network's device.
/// </summary>
public static class Interactions
{
    /// <summary>
    /// The logits [1 + 3P, C] of the normalised image <paramref name="input"/> [3,H,W] and its masked copies: row 0 the clean image,
    /// rows 1 + 3i, 2 + 3i, 3 + 3i the image with patch p, patch q, and both patches of pair i filled as <paramref name="options"/> say.
    /// The image is moved to the network's device, and the logits are there.
    /// </summary>
    public static Tensor MaskedLogits(ImageClassifier model, Tensor input, IReadOnlyList<PatchPair> pairs, InteractionOptions options, CancellationToken cancel = default)
    {
        if (input.dim() != 3 || input.shape[0] != 3) throw new ArgumentException($"expected an image [3,H,W], got [{string.Join(",", input.shape)}]");
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = Devices.On(input.detach(), Devices.Of(model));
        var fill = Attributions.Baseline(x.unsqueeze(0), new AttributionOptions { Baseline = options.Fill, BlurSigma = options.BlurSigma })[0];
        int total = 1 + 3 * pairs.Count;
        var parts = new List<Tensor>();
        for (int start = 0; start < total; start += options.BatchSize)
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(options.BatchSize, total - start);
            var batch = x.unsqueeze(0).expand(count, -1, -1, -1).clone();
            for (int j = 0; j < count; j++)
            {
                int row = start + j;
                if (row == 0) continue;
                var pair = pairs[(row - 1) / 3];
                int which = (row - 1) % 3;
                var copy = batch[j];
                if (which != 1) SquareMask.Apply(copy, fill, pair.Px, pair.Py, pair.Size);
                if (which != 0) SquareMask.Apply(copy, fill, pair.Qx, pair.Qy, pair.Size);
            }
            parts.Add(model.forward(batch));
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Measures <paramref name="model"/> on <paramref name="files"/> (preprocessed with <paramref name="preprocessing"/>). The pairs of
    /// image i are drawn with seed (<see cref="InteractionOptions.Seed"/>, i), so every model sees the same pairs. The target class
    /// of an image is its true class when <paramref name="folder"/> (the ImageFolder the files come from) has classes the model
    /// knows (<see cref="ImageFolder.KnownModelIndices"/>), else the clean image's top-1 class. Unreadable images and images too
    /// small for the network or for two patches are reported through <paramref name="onFailure"/> and skipped. With
    /// <paramref name="store"/> each image's measurements are kept as they are made, and images measured before are read back.
    /// The network is moved to <paramref name="device"/> (null: it runs where it is).
    /// </summary>
    public static InteractionResult Run(ImageClassifier model, IReadOnlyList<string> files, Preprocessing preprocessing, InteractionOptions options,
        ImageFolder? folder = null, Action<ImageFailure>? onFailure = null, Action<int>? progress = null, CancellationToken cancel = default,
        InteractionStore? store = null, Device? device = null)
    {
        options.Validate();
        Devices.Place(model, device);
        model.eval();
        using var frozen = model.FreezeWeights();
        var indices = folder?.KnownModelIndices(model.NumClasses, model.Metadata.Classes);
        var labelOf = new Dictionary<string, int>(StringComparer.Ordinal);
        if (indices is not null)
            foreach (var (path, label) in folder!.Samples) labelOf.TryAdd(Path.GetFullPath(path), label);
        var stats = options.BinEdges.Select(_ => new BinMoments()).ToArray();
        var pairCounts = new int[options.BinEdges.Count];
        var records = new List<InteractionPairResult>();
        int images = 0, skipped = 0;
        for (int i = 0; i < files.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            string file = files[i];
            var measured = store?.TryLoad(i, file, options.BinEdges.Count);
            if (measured is null)
            {
                int? target = labelOf.TryGetValue(Path.GetFullPath(file), out int label) ? indices![label] : null;
                measured = MeasureImage(model, file, i, preprocessing, options, target, cancel);
                store?.Save(i, measured);
            }
            if (measured.Failure is not null)
            {
                skipped++;
                onFailure?.Invoke(new ImageFailure(file, measured.Failure));
            }
            else
            {
                images++;
                foreach (var pair in measured.Pairs) pairCounts[pair.Bin]++;
                if (options.KeepPairs) records.AddRange(measured.Pairs);
                for (int b = 0; b < stats.Length; b++) stats[b].Merge(measured.Moments[b]);
            }
            progress?.Invoke(i + 1);
        }
        var bins = options.BinEdges.Select((low, b) => new InteractionBin(low, b + 1 < options.BinEdges.Count ? options.BinEdges[b + 1] : null,
            pairCounts[b], stats[b].Count, stats[b].Correlation, stats[b].MeanAbsDifference, stats[b].MeanAbsJoint)).ToList();
        return new InteractionResult(images, skipped, bins, records);
    }

    /// <summary>
    /// Measures one image, the <paramref name="index"/>-th of the run (its pairs are drawn with seed (<see cref="InteractionOptions.Seed"/>,
    /// index)); the target is <paramref name="target"/>, else the clean top-1 class. An unreadable or too small image gives a failure.
    /// The image is decoded on the CPU and the network runs on <paramref name="device"/> (null: where it is).
    /// </summary>
    public static ImageInteractions MeasureImage(ImageClassifier model, string file, int index, Preprocessing preprocessing, InteractionOptions options, int? target = null,
        CancellationToken cancel = default, Device? device = null)
    {
        Devices.Place(model, device);
        using var scope = NewDisposeScope();
        Tensor input;
        try { input = preprocessing.Apply(ImageDecoder.Decode(file)); }
        catch (ImageDecodeException e) { return new ImageInteractions(file, e.Reason, [], []); }
        int height = (int)input.shape[1], width = (int)input.shape[2];
        if (Math.Min(height, width) < model.MinimumInputSize)
            return new ImageInteractions(file, $"{width}×{height} after preprocessing, smaller than the {model.MinimumInputSize} pixels {model.Architecture} needs", [], []);
        if (PatchPairSampler.MaxGap(width, height, options.Patch) < options.BinEdges[0])
            return new ImageInteractions(file, $"{width}×{height} after preprocessing: no room for two {options.Patch}×{options.Patch} patches {options.BinEdges[0]} pixels apart", [], []);
        var sampled = PatchPairSampler.Sample(width, height, options.Patch, options.BinEdges, options.PairsPerImage, new Random(Seeds.Mix(options.Seed, index)), index);
        var logits = Devices.On(MaskedLogits(model, input, sampled.Select(s => s.Pair).ToList(), options, cancel), Devices.Cpu);
        int c = (int)logits.shape[1];
        var values = logits.data<float>().ToArray();
        int t = target ?? TopK.Best(values, c);
        var moments = options.BinEdges.Select(_ => new BinMoments()).ToArray();
        var records = new List<InteractionPairResult>(sampled.Count);
        for (int k = 0; k < sampled.Count; k++)
        {
            var (pair, bin) = sampled[k];
            int rp = (1 + 3 * k) * c, rq = rp + c, rpq = rq + c;
            float Delta(int row, int cls) => values[cls] - values[row + cls];
            records.Add(new InteractionPairResult(file, pair, bin, t, Delta(rp, t), Delta(rq, t), Delta(rpq, t)));
            if (options.AllLogits)
                for (int cls = 0; cls < c; cls++) moments[bin].Add(Delta(rpq, cls), (double)Delta(rp, cls) + Delta(rq, cls));
            else
                moments[bin].Add(Delta(rpq, t), (double)Delta(rp, t) + Delta(rq, t));
        }
        return new ImageInteractions(file, null, records, moments);
    }
}
