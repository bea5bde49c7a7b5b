using TextureBias.Data;
using TextureBias.Models;

namespace TextureBias.Evaluation;

/// <summary>
/// How one model's outputs are scored against a folder's classes in a robustness run:
/// a folder of the 16 categories gets 16-class decisions (<see cref="SixteenClassMapping"/>; a network whose checkpoint names
/// classes including every folder decides among its own classes, as <see cref="SixteenClassAccuracy"/>); a folder of ImageNet
/// classes (or of the network's own classes) gets top-1 and top-5 over the model's outputs, and 16-class decisions as well when
/// every folder is an ImageNet class of one of the 16 categories and the model is a 1000-class ImageNet network.
/// </summary>
internal sealed class RobustnessScorer
{
    readonly ImageClassifier _model;
    readonly IReadOnlyList<string> _classes;
    readonly int[]? _outputs;          // per folder class, the model output scored by top-1/top-5
    readonly int[]? _sixteen;          // per folder class, its category among the decisions
    readonly IReadOnlyList<string>? _decisions; // the names decisions are made among (16 categories or the network's classes)
    readonly bool _ownClasses;

    RobustnessScorer(ImageClassifier model, IReadOnlyList<string> classes, int[]? outputs, int[]? sixteen, IReadOnlyList<string>? decisions, bool ownClasses)
    {
        _model = model;
        _classes = classes;
        _outputs = outputs;
        _sixteen = sixteen;
        _decisions = decisions;
        _ownClasses = ownClasses;
    }

    /// <summary>Whether top-1/top-5 over the model's outputs are measured.</summary>
    public bool TopK => _outputs is not null;

    /// <summary>Whether 16-class decisions are measured.</summary>
    public bool SixteenClass => _sixteen is not null;

    /// <summary>Whether all of <paramref name="classes"/> are among the 16 categories.</summary>
    public static bool IsSixteenClassFolder(IReadOnlyList<string> classes) =>
        classes.Count > 0 && classes.All(SixteenClassMapping.Categories.Contains);

    /// <summary>The scorer of <paramref name="model"/> (called <paramref name="name"/> in errors) on <paramref name="data"/>'s classes.</summary>
    public static RobustnessScorer For(ImageClassifier model, string name, ImageFolder data)
    {
        var classes = data.Classes;
        var categories = SixteenClassMapping.Categories;
        if (IsSixteenClassFolder(classes))
        {
            if (model.Metadata.Classes is { } own && classes.All(own.Contains))
                return new RobustnessScorer(model, classes, null, classes.Select(c => IndexOf(own, c)).ToArray(), own, ownClasses: true);
            if (model.NumClasses != 1000 || model.Metadata.Classes is not null && ImageNetClasses.IndexOfWnid(model.Metadata.Classes[0]) is null)
                throw new TextureBiasException($"{name}: 16-class decisions need a 1000-class ImageNet model or a network whose classes include the folders' ({string.Join(", ", classes.Take(5))}{(classes.Count > 5 ? ", …" : "")})");
            return new RobustnessScorer(model, classes, null, classes.Select(c => IndexOf(categories, c)).ToArray(), categories, ownClasses: false);
        }
        int[] outputs;
        try { outputs = data.ModelIndices(model.NumClasses, model.Metadata.Classes); }
        catch (TextureBiasException e) { throw new TextureBiasException($"{name}: {e.Message}"); }
        int[]? sixteen = null;
        if (model.NumClasses == 1000 && model.Metadata.Classes is null)
        {
            var mapped = classes.Select(c => ImageNetClasses.IndexOfWnid(c) is { } i ? SixteenClassMapping.CategoryOfImageNetIndex(i) : null).ToList();
            if (mapped.All(m => m is not null)) sixteen = mapped.Select(m => m!.Value).ToArray();
        }
        return new RobustnessScorer(model, classes, outputs, sixteen, sixteen is null ? null : categories, ownClasses: false);
    }

    static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == item) return i;
        return -1;
    }

    /// <summary>
    /// One image's outcome: the trial's category and response (16-class names when measured, else the folder class and the
    /// top-1 output's folder class, WNID or name) and the hits.
    /// </summary>
    public (string Category, string Response, bool Sixteen, bool Top1, bool Top5) Score(float[] logits, int label, bool top1, bool top5)
    {
        if (_sixteen is not null)
        {
            int decided = _ownClasses ? Best(logits) : SixteenClassMapping.DecideFromLogits(logits);
            string response = _decisions![decided];
            string category = _decisions[_sixteen[label]];
            return (category, response, decided == _sixteen[label], top1, top5);
        }
        int best = Best(logits);
        int folder = Array.IndexOf(_outputs!, best);
        string answer = folder >= 0 ? _classes[folder] : _model.Metadata.WnidOf(best, _model.NumClasses) ?? _model.ClassName(best);
        return (_classes[label], answer, false, top1, top5);
    }

    /// <summary>The model output each folder class is scored against by top-1/top-5.</summary>
    public int Output(int label) => _outputs![label];

    static int Best(float[] logits) => Evaluation.TopK.Best(logits, logits.Length);
}
