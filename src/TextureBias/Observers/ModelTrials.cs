using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;

namespace TextureBias.Observers;

/// <summary>
/// A model's trials on a stimulus folder, as raw-data trials for error consistency and accuracy per condition: each image's
/// 16-class decision (<see cref="SixteenClassMapping"/>, the mean probability over each category's ImageNet classes).
/// Category and condition come from a model-vs-human stimulus name (<c>NNNN_&lt;exp&gt;_&lt;dnn|sXX&gt;_&lt;condition&gt;_&lt;category&gt;_…</c>),
/// else the category is the image's folder (one of the 16) and the condition that folder's parent folder's name.
/// </summary>
public static class ModelTrials
{
    /// <summary>The category and condition of a stimulus, or null when neither its name nor its folder gives one of the 16 categories.</summary>
    public static (string Category, string Condition)? Describe(string path, string root)
    {
        var parts = Path.GetFileName(path).Split('_');
        if (parts.Length >= 8 && SixteenClassMapping.Categories.Contains(parts[4])) return (parts[4], parts[3]);
        static string Full(string p) => Path.GetFullPath(p).TrimEnd(Path.DirectorySeparatorChar);
        string folder = Full(Path.GetDirectoryName(Path.GetFullPath(path))!), top = Full(root);
        string category = Path.GetFileName(folder);
        if (folder == top || !SixteenClassMapping.Categories.Contains(category)) return null;
        string parent = Full(Path.GetDirectoryName(folder)!);
        bool inRoot = parent == top;
        return (category, inRoot ? "0" : Path.GetFileName(parent));
    }

    /// <summary>
    /// Classifies every image under <paramref name="stimuli"/> and returns one trial each (subject
    /// <paramref name="name"/>); the network runs on <paramref name="device"/> (null: where it is).
    /// </summary>
    public static List<RawTrial> Run(ImageClassifier model, string name, string stimuli, Preprocessing preprocessing, int batchSize = 32,
        Action<ImageFailure>? onFailure = null, Action<int>? progress = null, CancellationToken cancel = default, TorchSharp.torch.Device? device = null)
    {
        if (!Directory.Exists(stimuli)) throw new TextureBiasException($"{stimuli}: no such folder");
        if (model.NumClasses != 1000) throw new TextureBiasException($"16-class decisions need a 1000-class ImageNet model; {name} has {model.NumClasses} outputs");
        var files = ImageFiles.Find(new[] { stimuli });
        var described = files.Select(f => (File: f, What: Describe(f, stimuli))).Where(x => x.What is not null).ToList();
        if (described.Count == 0)
            throw new TextureBiasException($"{stimuli}: no stimulus of the 16 categories (model-vs-human names NNNN_exp_dnn_condition_category_…, or <category>/ folders)");
        var what = described.ToDictionary(x => x.File, x => x.What!.Value);
        var names = TrialImageNames.For(described.Select(x => (x.File, x.What!.Value.Condition)).ToList());
        var nameOf = described.Select((x, i) => (x.File, names[i])).ToDictionary(x => x.File, x => x.Item2);
        var trials = new List<RawTrial>();
        int done = 0;
        foreach (var c in new Classifier(model, preprocessing, batchSize, device: device).Classify(described.Select(x => x.File).ToList(), 1, f => { onFailure?.Invoke(f); progress?.Invoke(++done); }, cancel))
        {
            var (category, condition) = what[c.Path];
            trials.Add(new RawTrial(name, "1", condition, nameOf[c.Path], category, SixteenClassMapping.Categories[SixteenClassMapping.DecideFromLogits(c.Logits)]));
            progress?.Invoke(++done);
        }
        return trials;
    }
}
