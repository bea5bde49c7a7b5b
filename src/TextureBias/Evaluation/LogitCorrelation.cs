using TextureBias.Imaging;
using TextureBias.Models;

namespace TextureBias.Evaluation;

/// <summary>
/// The BagNet paper's comparison of two models: the Pearson correlation between their logit
/// vectors on each image, and how often their top-1 classes agree.
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

    /// <summary>Compares <paramref name="a"/> and <paramref name="b"/> on <paramref name="files"/> (both with <paramref name="preprocessing"/>).</summary>
    public static LogitCorrelationResult Compare(ImageClassifier a, ImageClassifier b, IReadOnlyList<string> files, Preprocessing preprocessing, int batchSize = 32,
        Action<Data.ImageFailure>? onFailure = null, CancellationToken cancel = default, Action<int>? progress = null)
    {
        if (a.NumClasses != b.NumClasses) throw new TextureBiasException($"the models have {a.NumClasses} and {b.NumClasses} outputs");
        int done = 0;
        var first = new Classifier(a, preprocessing, batchSize).Classify(files, 1, onFailure, cancel)
            .Select(c => { done++; progress?.Invoke(done); return c; }).ToDictionary(c => c.Path);
        var perImage = new List<(string, double)>();
        int agree = 0;
        foreach (var c in new Classifier(b, preprocessing, batchSize).Classify(first.Keys.ToList(), 1, null, cancel))
        {
            var other = first[c.Path];
            perImage.Add((c.Path, Pearson(other.Logits, c.Logits)));
            if (other.Top[0].Index == c.Top[0].Index) agree++;
            done++;
            progress?.Invoke(done);
        }
        var rs = perImage.Select(p => p.Item2).Where(r => !double.IsNaN(r)).OrderBy(r => r).ToList();
        var histogram = new int[20];
        foreach (var r in rs) histogram[Math.Clamp((int)Math.Floor((r + 1) / 0.1), 0, 19)]++;
        double median = rs.Count == 0 ? double.NaN : rs.Count % 2 == 1 ? rs[rs.Count / 2] : (rs[rs.Count / 2 - 1] + rs[rs.Count / 2]) / 2;
        return new LogitCorrelationResult(perImage.Count, rs.Count == 0 ? double.NaN : rs.Average(), median, histogram,
            perImage.Count == 0 ? double.NaN : (double)agree / perImage.Count, perImage);
    }
}
