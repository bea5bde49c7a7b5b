using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;

namespace TextureBias.Evaluation;

/// <summary>
/// The BagNet paper's comparison of two models: the Pearson correlation between their logit
/// vectors on each image, how often their top-1 classes agree, and (on an ImageFolder whose classes both models know)
/// their per-class top-1 and top-5 accuracy with the correlation across classes (the paper's error distribution).
/// </summary>
public static class LogitCorrelation
{
    /// <summary>Pearson correlation of two vectors.</summary>
    public static double Pearson(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length < 2) throw new ArgumentException("two vectors of the same length (at least 2) are needed");
        double ma = 0, mb = 0;
        for (int i = 0; i < a.Length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.Length;
        mb /= b.Length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>
    /// Compares <paramref name="a"/> and <paramref name="b"/> on <paramref name="files"/> (both with <paramref name="preprocessing"/>).
    /// With <paramref name="folder"/> (the ImageFolder the files come from) whose classes both models know
    /// (<see cref="ImageFolder.KnownModelIndices"/>), the result also holds both models' per-class top-1 and top-5 accuracy over
    /// the images of each class (<see cref="LogitCorrelationResult.PerClass"/>), from the same logits: no second pass.
    /// Both networks run on <paramref name="device"/> when given (they are moved there), else where each is.
    /// </summary>
    public static LogitCorrelationResult Compare(ImageClassifier a, ImageClassifier b, IReadOnlyList<string> files, Preprocessing preprocessing, int batchSize = 32,
        Action<Data.ImageFailure>? onFailure = null, CancellationToken cancel = default, Action<int>? progress = null, ImageFolder? folder = null,
        TorchSharp.torch.Device? device = null)
    {
        if (a.NumClasses != b.NumClasses) throw new TextureBiasException($"the models have {a.NumClasses} and {b.NumClasses} outputs");
        var indicesA = folder?.KnownModelIndices(a.NumClasses, a.Metadata.Classes);
        var indicesB = folder?.KnownModelIndices(b.NumClasses, b.Metadata.Classes);
        var labelOf = new Dictionary<string, int>(StringComparer.Ordinal);
        if (indicesA is not null && indicesB is not null)
            foreach (var (path, label) in folder!.Samples) labelOf.TryAdd(Path.GetFullPath(path), label);
        var tally = new PerClassTally(folder?.Classes.Count ?? 0);
        int done = 0;
        var first = new Classifier(a, preprocessing, batchSize, device: device).Classify(files, 1, onFailure, cancel)
            .Select(c => { done++; progress?.Invoke(done); return c; }).ToDictionary(c => c.Path);
        var perImage = new List<(string, double)>();
        int agree = 0;
        foreach (var c in new Classifier(b, preprocessing, batchSize, device: device).Classify(first.Keys.ToList(), 1, null, cancel))
        {
            var other = first[c.Path];
            perImage.Add((c.Path, Pearson(other.Logits, c.Logits)));
            if (other.Top[0].Index == c.Top[0].Index) agree++;
            if (labelOf.Count > 0 && labelOf.TryGetValue(Path.GetFullPath(c.Path), out int label)) tally.Add(label, Rank(other.Logits, indicesA![label]), Rank(c.Logits, indicesB![label]));
            done++;
            progress?.Invoke(done);
        }
        var rs = perImage.Select(p => p.Item2).Where(r => !double.IsNaN(r)).OrderBy(r => r).ToList();
        var histogram = new int[20];
        foreach (var r in rs) histogram[Math.Clamp((int)Math.Floor((r + 1) / 0.1), 0, 19)]++;
        double median = Median.Of(rs);
        return new LogitCorrelationResult(perImage.Count, rs.Count == 0 ? double.NaN : rs.Average(), median, histogram,
            perImage.Count == 0 ? double.NaN : (double)agree / perImage.Count, perImage)
        {
            PerClass = indicesA is null || indicesB is null ? null : tally.Result(folder!.Classes, indicesA, indicesB),
        };
    }

    /// <summary>The rank (0 = first) of output <paramref name="target"/> among <paramref name="logits"/>: how many logits are larger.</summary>
    public static int Rank(IReadOnlyList<float> logits, int target)
    {
        float value = logits[target];
        int rank = 0;
        for (int i = 0; i < logits.Count; i++) if (logits[i] > value) rank++;
        return rank;
    }

    /// <summary>Per-class accuracy from per-class top-1 and top-5 counts: the rows and the correlations across classes.</summary>
    public static ClassAccuracyComparison PerClassAccuracy(IReadOnlyList<string> classes, int[] indicesA, int[] indicesB,
        int[] images, int[] top1A, int[] top5A, int[] top1B, int[] top5B)
    {
        static double F(int k, int n) => n == 0 ? double.NaN : (double)k / n;
        var rows = classes.Select((name, c) => new ClassAccuracyPair(name, indicesA[c], indicesB[c], images[c],
            F(top1A[c], images[c]), F(top5A[c], images[c]), F(top1B[c], images[c]), F(top5B[c], images[c]))).ToList();
        var present = rows.Where(r => r.Images > 0).ToList();
        double R(Func<ClassAccuracyPair, double> x, Func<ClassAccuracyPair, double> y) => present.Count < 2 ? double.NaN
            : Pearson(present.Select(r => (float)x(r)).ToArray(), present.Select(r => (float)y(r)).ToArray());
        int total = images.Sum();
        return new ClassAccuracyComparison(rows, R(r => r.Top1A, r => r.Top1B), R(r => r.Top5A, r => r.Top5B), total,
            F(top1A.Sum(), total), F(top5A.Sum(), total), F(top1B.Sum(), total), F(top5B.Sum(), total));
    }

    sealed class PerClassTally(int classes)
    {
        readonly int[] _images = new int[classes], _top1A = new int[classes], _top5A = new int[classes], _top1B = new int[classes], _top5B = new int[classes];

        public void Add(int label, int rankA, int rankB)
        {
            _images[label]++;
            if (rankA < 1) _top1A[label]++;
            if (rankA < 5) _top5A[label]++;
            if (rankB < 1) _top1B[label]++;
            if (rankB < 5) _top5B[label]++;
        }

        public ClassAccuracyComparison Result(IReadOnlyList<string> names, int[] indicesA, int[] indicesB) =>
            PerClassAccuracy(names, indicesA, indicesB, _images, _top1A, _top5A, _top1B, _top5B);
    }
}
