using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// Accuracy in the 16 texture-vs-shape categories on a folder of <c>&lt;category&gt;/</c>
/// sub-folders (edges, silhouettes, stylised images ...): each image's softmax is mapped to
/// the categories (<see cref="SixteenClassMapping"/>). A network whose checkpoint names its
/// classes (<see cref="ModelMetadata.Classes"/>) and whose classes include every folder's
/// category decides among its own classes instead (the largest logit), so a network trained on
/// other categories, like the demo's, is scored on its own.
/// </summary>
public static class SixteenClassAccuracy
{
    /// <summary>
    /// Evaluates <paramref name="model"/> (1000 ImageNet outputs, or named classes that include the folders') on <paramref name="stimuli"/>,
    /// on <paramref name="device"/> when given (the model is moved there), else where the model is.
    /// </summary>
    public static SixteenClassAccuracyResult Run(ImageClassifier model, string stimuli, Preprocessing preprocessing, int batchSize = 32,
        Action<ImageFailure>? onFailure = null, CancellationToken cancel = default, Action<int>? progress = null, Device? device = null)
    {
        if (!Directory.Exists(stimuli)) throw new TextureBiasException($"{stimuli}: no such folder");
        var folders = FolderWalker.Subfolders(stimuli);
        List<string> categories;
        Func<IReadOnlyList<float>, int> decide;
        if (model.Metadata.Classes is { } names && folders.Count > 0 && folders.All(names.Contains))
        {
            categories = names.ToList();
            decide = logits => TopK.Best(logits, categories.Count);
        }
        else
        {
            if (model.NumClasses != 1000)
                throw new TextureBiasException("16-class decisions need a 1000-class ImageNet model" +
                    (model.Metadata.Classes is null ? "" : $" or a network whose classes include {stimuli}'s folders ({string.Join(", ", folders.Take(5))}{(folders.Count > 5 ? ", …" : "")})"));
            categories = SixteenClassMapping.Categories.ToList();
            var unknown = folders.Where(d => !categories.Contains(d)).ToList();
            if (unknown.Count > 0) throw new TextureBiasException($"{stimuli}: folders that are not one of the 16 categories: {string.Join(", ", unknown.Take(5))}");
            decide = SixteenClassMapping.DecideFromLogits;
        }
        var confusion = new int[categories.Count, categories.Count];
        int total = 0, correct = 0;
        foreach (var c in new Classifier(model, preprocessing, batchSize, device: device).Classify(ImageFiles.Find(new[] { stimuli }), 1, onFailure, cancel))
        {
            string folder = Path.GetFileName(Path.GetDirectoryName(c.Path))!;
            int truth = categories.IndexOf(folder);
            if (truth < 0) continue; // an image directly in the root
            int decided = decide(c.Logits);
            confusion[truth, decided]++;
            total++;
            if (decided == truth) correct++;
            progress?.Invoke(total);
        }
        return new SixteenClassAccuracyResult(total == 0 ? double.NaN : (double)correct / total, total, confusion) { Categories = categories };
    }
}
