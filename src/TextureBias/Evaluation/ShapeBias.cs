using System.Globalization;
using System.Text;
using TextureBias.Data;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// The shape bias of Geirhos et al. (ICLR 2019) as the texture-vs-shape and model-vs-human
/// analyses compute it, from trials or from their raw-data CSV files
/// (<c>subj,session,trial,rt,object_response,category,condition,imagename</c>).
/// </summary>
public static class ShapeBias
{
    /// <summary>
    /// The texture category in a stimulus name: the part after the last '_', then after '-',
    /// without extension and digits (<c>cat7-elephant1.png</c> → elephant;
    /// <c>0001_s5n_s01_0_bird_00_bird3-bird2.png</c> → bird).
    /// </summary>
    public static string TextureOf(string imageName)
    {
        string name = Path.GetFileName(imageName);
        name = name[(name.LastIndexOf('_') + 1)..];
        int dash = name.IndexOf('-');
        if (dash < 0) throw new TextureBiasException($"{imageName}: not a cue-conflict name (<shape><n>-<texture><m>.png)");
        name = Path.GetFileNameWithoutExtension(name[(dash + 1)..]);
        return new string(name.Where(ch => !char.IsDigit(ch)).ToArray());
    }

    /// <summary>Shape bias of <paramref name="trials"/>, pooled and per shape category.</summary>
    public static ShapeBiasResult Compute(string name, IReadOnlyList<ShapeBiasTrial> trials)
    {
        var conflicts = trials.Where(t => t.Shape != t.Texture).ToList();
        int excluded = trials.Count - conflicts.Count;
        var perCategory = conflicts.GroupBy(t => t.Shape).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Summarise(g.Key, g.ToList(), 0, Array.Empty<ShapeBiasResult>())).ToList();
        return Summarise(name, conflicts, excluded, perCategory);
    }

    private static ShapeBiasResult Summarise(string name, List<ShapeBiasTrial> conflicts, int excluded, IReadOnlyList<ShapeBiasResult> perCategory)
    {
        int shape = conflicts.Count(t => t.Decision == t.Shape), texture = conflicts.Count(t => t.Decision == t.Texture);
        int n = conflicts.Count;
        return new ShapeBiasResult(name, n, excluded, shape, texture,
            shape + texture == 0 ? double.NaN : (double)shape / (shape + texture),
            n == 0 ? double.NaN : (double)shape / n, n == 0 ? double.NaN : (double)texture / n, perCategory);
    }

    /// <summary>
    /// A model's trials on a cue-conflict folder (<c>&lt;shape&gt;/&lt;shape&gt;N-&lt;texture&gt;M.png</c>):
    /// when the model's checkpoint names its classes (<see cref="Models.ModelMetadata.Classes"/>)
    /// and the folder's categories are among them, the decision is the named class with the
    /// largest logit (a network trained on the categories themselves, like the demo's); else
    /// each image's softmax is mapped to the 16 categories (<see cref="SixteenClassMapping"/>),
    /// which needs a 1000-class ImageNet model. The network runs on <paramref name="device"/> when
    /// given (the model is moved there), else where it is (see <see cref="Classifier"/>).
    /// </summary>
    /// <exception cref="TextureBiasException">The folder is missing, or the model can decide on neither way.</exception>
    public static List<ShapeBiasTrial> Run(Models.ImageClassifier model, string stimuli, Imaging.Preprocessing preprocessing, int batchSize = 32,
        Action<ImageFailure>? onFailure = null, Action<int>? progress = null, CancellationToken cancel = default, Device? device = null)
    {
        if (!Directory.Exists(stimuli)) throw new TextureBiasException($"{stimuli}: no such folder");
        var categories = FolderWalker.Subfolders(stimuli);
        if (model.Metadata.Classes is { } names && categories.Count > 0 && categories.All(names.Contains))
            return Run(model, stimuli, preprocessing, names, batchSize, onFailure, progress, cancel, device);
        if (model.NumClasses != 1000)
        {
            string found = string.Join(", ", categories.Take(8)) + (categories.Count > 8 ? ", …" : "");
            throw new TextureBiasException(model.Metadata.Classes is { } known
                ? $"the network's classes ({string.Join(", ", known.Take(8))}{(known.Count > 8 ? ", …" : "")}) are not the categories of {stimuli} ({found}), and it is no 1000-class ImageNet network whose decisions map to the 16 categories"
                : $"the shape bias needs a 1000-class ImageNet network, or one whose checkpoint names its classes as the categories of {stimuli} ({found}); this one has {model.NumClasses} unnamed outputs");
        }
        return Run(model, stimuli, preprocessing, logits => SixteenClassMapping.Categories[SixteenClassMapping.DecideFromLogits(logits)],
            batchSize, onFailure, progress, cancel, device);
    }

    /// <summary>
    /// Why the shape bias of <paramref name="result"/> (computed from <paramref name="trials"/>) is
    /// undefined, or null when it is defined: no cue-conflict trials, or not one decision for
    /// the shape's or the texture's category.
    /// </summary>
    public static string? WhyUndefined(ShapeBiasResult result, IReadOnlyList<ShapeBiasTrial> trials)
    {
        if (trials.Count == 0) return "no trials (no cue-conflict image was classified)";
        if (result.Trials == 0) return $"none of the {trials.Count} trials is a cue conflict (each image's shape and texture are the same category)";
        if (result.ShapeDecisions + result.TextureDecisions > 0) return null;
        var decisions = trials.Where(t => t.Shape != t.Texture).GroupBy(t => t.Decision).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()}").ToList();
        return $"not one of the {result.Trials} cue-conflict decisions was the shape's or the texture's category " +
            $"(decided: {string.Join(", ", decisions.Take(5))}{(decisions.Count > 5 ? ", …" : "")}), so the shape bias is undefined";
    }

    /// <summary>
    /// A model's trials on a cue-conflict folder whose categories are the model's own outputs:
    /// output k is <paramref name="classes"/>[k], the decision is the largest logit among them
    /// (for models trained on the folders' own classes, such as the demo's texture–shape world).
    /// The network runs on <paramref name="device"/> when given, else where it is.
    /// </summary>
    public static List<ShapeBiasTrial> Run(Models.ImageClassifier model, string stimuli, Imaging.Preprocessing preprocessing, IReadOnlyList<string> classes,
        int batchSize = 32, Action<ImageFailure>? onFailure = null, Action<int>? progress = null, CancellationToken cancel = default, Device? device = null)
    {
        if (classes.Count == 0 || classes.Count > model.NumClasses)
            throw new TextureBiasException($"the model has {model.NumClasses} outputs, so it cannot decide among {classes.Count} classes");
        return Run(model, stimuli, preprocessing, logits => classes[TopK.Best(logits, classes.Count)], batchSize, onFailure, progress, cancel, device);
    }

    private static List<ShapeBiasTrial> Run(Models.ImageClassifier model, string stimuli, Imaging.Preprocessing preprocessing, Func<IReadOnlyList<float>, string> decide,
        int batchSize, Action<ImageFailure>? onFailure, Action<int>? progress, CancellationToken cancel, Device? device)
    {
        if (!Directory.Exists(stimuli)) throw new TextureBiasException($"{stimuli}: no such folder");
        var files = ImageFiles.Find(new[] { stimuli });
        var trials = new List<ShapeBiasTrial>();
        int done = 0;
        foreach (var c in new Classifier(model, preprocessing, batchSize, device: device).Classify(files, 1, f => { onFailure?.Invoke(f); done++; progress?.Invoke(done); }, cancel))
        {
            string shape = Path.GetFileName(Path.GetDirectoryName(c.Path))!;
            trials.Add(new ShapeBiasTrial(Path.GetFileName(c.Path), shape, TextureOf(c.Path), decide(c.Logits)));
            done++;
            progress?.Invoke(done);
        }
        return trials;
    }

    /// <summary>Reads the trials of a raw-data CSV (texture-vs-shape / model-vs-human format; quoted fields allowed, see <see cref="Observers.RawData"/>).</summary>
    public static List<ShapeBiasTrial> ReadRawData(string path) =>
        Observers.RawData.Read(path, ["object_response", "category", "imagename"])
            .Select(t => new ShapeBiasTrial(t.Image, t.Category, TextureOf(t.Image), t.Response)).ToList();

    /// <summary>Writes trials as a raw-data CSV that texture-vs-shape's and model-vs-human's analyses read (fields quoted where needed), atomically.</summary>
    public static void WriteRawData(string path, string subject, IReadOnlyList<ShapeBiasTrial> trials) =>
        Observers.RawData.Write(path, trials.Select(t => new Observers.RawTrial(subject, "session-1", "0", t.Image, t.Shape, t.Decision)).ToList());
}
