using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;

namespace TextureBias.Evaluation;

/// <summary>
/// Accuracy in the 16 texture-vs-shape categories on a folder of <c>&lt;category&gt;/</c>
/// sub-folders (edges, silhouettes, stylised images ...): each image's softmax is mapped to
/// the categories (<see cref="SixteenClassMapping"/>).
/// </summary>
public static class SixteenClassAccuracy
{
    /// <summary>Evaluates <paramref name="model"/> (1000 ImageNet outputs) on <paramref name="stimuli"/>.</summary>
    public static SixteenClassAccuracyResult Run(ImageClassifier model, string stimuli, Preprocessing preprocessing, int batchSize = 32,
        Action<ImageFailure>? onFailure = null, CancellationToken cancel = default, Action<int>? progress = null)
    {
        if (model.NumClasses != 1000) throw new TextureBiasException("16-class decisions need a 1000-class ImageNet model");
        if (!Directory.Exists(stimuli)) throw new TextureBiasException($"{stimuli}: no such folder");
        var categories = SixteenClassMapping.Categories.ToList();
        var unknown = Directory.GetDirectories(stimuli).Select(Path.GetFileName).Where(d => d is not null && !d.StartsWith('.') && !categories.Contains(d!)).ToList();
        if (unknown.Count > 0) throw new TextureBiasException($"{stimuli}: folders that are not one of the 16 categories: {string.Join(", ", unknown.Take(5))}");
        var confusion = new int[16, 16];
        int total = 0, correct = 0;
        foreach (var c in new Classifier(model, preprocessing, batchSize).Classify(ImageFiles.Find(new[] { stimuli }), 1, onFailure, cancel))
        {
            string folder = Path.GetFileName(Path.GetDirectoryName(c.Path))!;
            int truth = categories.IndexOf(folder);
            if (truth < 0) continue; // an image directly in the root
            int decided = SixteenClassMapping.DecideFromLogits(c.Logits);
            confusion[truth, decided]++;
            total++;
            if (decided == truth) correct++;
            progress?.Invoke(total);
        }
        return new SixteenClassAccuracyResult(total == 0 ? double.NaN : (double)correct / total, total, confusion);
    }
}
