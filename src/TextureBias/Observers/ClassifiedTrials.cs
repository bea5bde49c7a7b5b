using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Models;

namespace TextureBias.Observers;

/// <summary>
/// The raw-data trials of a model classifying images one by one (<c>classify --raw-data-out</c>), one trial per image:
/// <list type="bullet">
/// <item>a stimulus of the 16 categories (<see cref="ModelTrials.Describe"/>: a model-vs-human stimulus name, or a
/// <c>&lt;category&gt;/</c> folder under an optional <c>&lt;condition&gt;/</c> folder): that category and condition; the
/// response is the model's own class when its checkpoint names classes that include the category, else the 16-class
/// decision of a 1000-class model (<see cref="SixteenClassMapping"/>), else the top-1 class name;</item>
/// <item>else an image in an ImageNet WNID folder: category the WNID, condition the folder above it (below the input folder),
/// else "0"; the response is the top-1 WNID (the class name for a model without ImageNet classes);</item>
/// <item>else category "na", condition "0", response the top-1 class name: such trials count as wrong.</item>
/// </list>
/// Images directly in an input folder, and image files given themselves, have their own folder as category folder and
/// condition "0". The image name is the file name, unless that would give two trials of one condition the same
/// model-vs-human image id (<see cref="RawData.ShortImageName"/>, by which trials are matched): see <see cref="TrialImageNames.For"/>.
/// </summary>
public sealed class ClassifiedTrials
{
    private readonly ImageClassifier _model;
    private readonly string _subject;
    private readonly (string File, string Category, string Condition, bool Sixteen, string Image)[] _images;
    private readonly List<RawTrial> _trials = [];
    private readonly Dictionary<string, string> _words = new(StringComparer.Ordinal); // one copy of each category, condition and response
    private int _next;

    /// <summary>Plans the trials of <paramref name="files"/> (<see cref="ImageFiles.FindByInput"/>) for <paramref name="model"/>, observer <paramref name="subject"/>.</summary>
    public ClassifiedTrials(ImageClassifier model, string subject, IReadOnlyList<(string File, string Input)> files)
    {
        _model = model;
        _subject = subject;
        var described = files.Select(f => Describe(f.File, f.Input)).Select(d => (Category: Word(d.Category), Condition: Word(d.Condition), d.Sixteen)).ToList();
        var names = TrialImageNames.For(files.Select((f, i) => (f.File, described[i].Condition)).ToList());
        _images = described.Select((d, i) => (files[i].File, d.Category, d.Condition, d.Sixteen, names[i])).ToArray();
    }

    private string Word(string s) => _words.TryGetValue(s, out var w) ? w : _words[s] = s;

    /// <summary>The trials added so far, in the order they were added.</summary>
    public IReadOnlyList<RawTrial> Trials => _trials;

    /// <summary>
    /// Adds the trial of a classified image and returns it. Images come in the order of the planned files, as
    /// <see cref="Classifier.Classify"/> yields them: files passed over (unreadable ones) have no trial.
    /// </summary>
    /// <exception cref="ArgumentException">The image is none of the planned files after the last one added, or has no top class.</exception>
    public RawTrial Add(Classification c)
    {
        if (c.Top.Count == 0) throw new ArgumentException($"{c.Path}: the classification has no top class", nameof(c));
        int i = _next;
        while (i < _images.Length && _images[i].File != c.Path) i++;
        if (i == _images.Length) throw new ArgumentException($"{c.Path} is not one of the images planned for raw data after the last one added", nameof(c));
        _next = i + 1;
        var (_, category, condition, sixteen, image) = _images[i];
        var top = c.Top[0];
        string response;
        if (sixteen)
            response = _model.Metadata.Classes is { } classes && classes.Contains(category) ? classes[top.Index]
                : _model.NumClasses == 1000 ? SixteenClassMapping.Categories[SixteenClassMapping.DecideFromLogits(c.Logits)]
                : top.Name;
        else response = category == "na" ? top.Name : top.Wnid ?? top.Name;
        var trial = new RawTrial(_subject, "1", condition, image, category, Word(response));
        _trials.Add(trial);
        return trial;
    }

    /// <summary>Writes the trials added so far as a raw-data CSV, atomically (<see cref="RawData.Write"/>).</summary>
    public void Write(string path) => RawData.Write(path, _trials);

    /// <summary>
    /// An observer's name for a model: the registered weights' name, else the weight file's name without its extension
    /// (<c>.pth.tar</c> counts as one), else the architecture.
    /// </summary>
    public static string SubjectName(string architecture, string? weights, string? registeredName)
    {
        if (registeredName is not null) return registeredName;
        if (weights is null) return architecture;
        string file = Path.GetFileName(weights);
        return file.EndsWith(".pth.tar", StringComparison.OrdinalIgnoreCase) ? file[..^".pth.tar".Length] : Path.GetFileNameWithoutExtension(file);
    }

    /// <summary>Category, condition and whether the category is one of the 16, of an image found by <paramref name="input"/>.</summary>
    private static (string Category, string Condition, bool Sixteen) Describe(string file, string input)
    {
        static string Full(string p) => Path.GetFullPath(p).TrimEnd(Path.DirectorySeparatorChar);
        string folder = Full(Path.GetDirectoryName(Path.GetFullPath(file))!);
        // An image directly in the input folder, or given itself: its folder is its category folder, the condition "0".
        string root = Directory.Exists(input) && Full(input) != folder ? Full(input) : Path.GetDirectoryName(folder) ?? folder;
        if (ModelTrials.Describe(file, root) is { } d) return (d.Category, d.Condition, true);
        string name = Path.GetFileName(folder);
        if (folder != root && ImageNetClasses.IndexOfWnid(name) is not null)
        {
            string parent = Full(Path.GetDirectoryName(folder) ?? folder);
            return (name, parent == root || parent == folder ? "0" : Path.GetFileName(parent), false);
        }
        return ("na", "0", false);
    }
}
