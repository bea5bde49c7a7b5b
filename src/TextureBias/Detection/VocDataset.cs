using TextureBias.Imaging;

namespace TextureBias.Detection;

/// <summary>
/// PASCAL VOC read from a <c>VOCdevkit</c> folder: for each year, the image ids listed in
/// <c>VOC{year}/ImageSets/Main/{set}.txt</c>, their objects from <c>Annotations/{id}.xml</c> and their
/// images in <c>JPEGImages/{id}.jpg</c> (or the annotation's <c>&lt;filename&gt;</c> when that file is absent).
/// Several years are concatenated in the order given (torchvision's reference trains on 2007+2012 trainval).
/// </summary>
/// <remarks>
/// Boxes become <see cref="DetectionObject"/>s in the model's coordinates (0-based continuous pixel edges):
/// x1 = xmin − 1, y1 = ymin − 1, x2 = xmax, y2 = ymax (<see cref="ToModel"/>); <see cref="ToVoc"/> is the
/// exact inverse for evaluation. Image sizes come from the annotation's <c>&lt;size&gt;</c>, else from the image's header.
/// </remarks>
public static class VocDataset
{
    /// <summary>The 20 VOC classes in the devkit's order, after <c>__background__</c> (index 0).</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "__background__", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <summary>The most ids an image set file may list (VOC2012 trainval has 11,540).</summary>
    public const int MaxImages = 10_000_000;

    /// <summary>Reads the image set <paramref name="set"/> (train, val, trainval, test) of each of <paramref name="years"/>.</summary>
    /// <param name="devkit">The <c>VOCdevkit</c> folder (holding <c>VOC2007</c>, <c>VOC2012</c>, …).</param>
    /// <param name="years">Years, e.g. 2007 and 2012.</param>
    /// <param name="set">The image set's name.</param>
    /// <param name="classNames">The class names, background first (null: VOC's, <see cref="ClassNames"/>); a devkit of other classes, such as the demo's scenes, names its own.</param>
    /// <exception cref="TextureBiasException">A folder, list or annotation is missing or unreadable, an object names an unknown class, or an id appears twice.</exception>
    public static DetectionDataset Load(string devkit, IReadOnlyList<string> years, string set, IReadOnlyList<string>? classNames = null)
    {
        var names = classNames ?? ClassNames;
        if (years.Count == 0)
            throw new TextureBiasException("no VOC year given");
        if (!Directory.Exists(devkit))
            throw new TextureBiasException($"{devkit}: no such VOCdevkit folder");
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 1; i < names.Count; i++)
            labels[names[i]] = i;
        var samples = new List<DetectionSample>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string year in years)
        {
            string root = Path.Combine(devkit, $"VOC{year}");
            if (!Directory.Exists(root))
                throw new TextureBiasException($"{root}: no such folder (is {devkit} a VOCdevkit with VOC{year}?)");
            string list = Path.Combine(root, "ImageSets", "Main", $"{set}.txt");
            if (!File.Exists(list))
                throw new TextureBiasException($"{list}: no such image set file (VOC{year} has no set '{set}')");
            foreach (string id in ReadIds(list))
            {
                if (!seen.Add(id))
                    throw new TextureBiasException($"{list}: image id '{id}' is listed twice (or also in another year)");
                samples.Add(ReadSample(root, id, labels, names));
            }
        }
        return new DetectionDataset($"VOC{string.Join("+", years)} {set}", names, samples);
    }

    static List<string> ReadIds(string list)
    {
        var ids = new List<string>();
        int line = 0;
        foreach (string raw in File.ReadLines(list))
        {
            line++;
            string id = raw.Trim();
            if (id.Length == 0) continue;
            // py-faster-rcnn: x.strip(); torchvision: x.strip(). A file name, not a path.
            if (id.IndexOfAny(['/', '\\', ' ', '\t']) >= 0 || id == "." || id == "..")
                throw new TextureBiasException($"{list}: line {line} is '{(id.Length > 40 ? id[..40] + "…" : id)}', not an image id");
            if (ids.Count >= MaxImages)
                throw new TextureBiasException($"{list}: more than {MaxImages} image ids");
            ids.Add(id);
        }
        return ids;
    }

    static DetectionSample ReadSample(string root, string id, Dictionary<string, int> labels, IReadOnlyList<string> names)
    {
        string xml = Path.Combine(root, "Annotations", id + ".xml");
        var annotation = VocAnnotation.Load(xml);
        var objects = new List<DetectionObject>(annotation.Objects.Count);
        foreach (var o in annotation.Objects)
        {
            if (!labels.TryGetValue(o.Name, out int label))
                throw new TextureBiasException($"{xml}: unknown class '{o.Name}' (the classes are {string.Join(", ", names.Skip(1))})");
            objects.Add(ToModel(o, label));
        }
        string image = Path.Combine(root, "JPEGImages", id + ".jpg");
        if (!File.Exists(image) && annotation.FileName is { } named && Path.GetFileName(named) == named)
        {
            string other = Path.Combine(root, "JPEGImages", named);
            if (File.Exists(other)) image = other;
        }
        int width, height;
        if (annotation.Width is { } w && annotation.Height is { } h)
            (width, height) = (w, h);
        else if (ImageDecoder.ReadSize(image) is { } size)
            (width, height) = size;
        else
            throw new TextureBiasException($"{xml}: no <size> and the image {image} is missing or unreadable");
        return new DetectionSample(id, image, width, height, objects);
    }

    /// <summary>A VOC object as the model sees it: x1 = xmin − 1, y1 = ymin − 1, x2 = xmax, y2 = ymax.</summary>
    public static DetectionObject ToModel(VocObject o, int label) =>
        new(label, (float)(o.X1 - 1), (float)(o.Y1 - 1), (float)o.X2, (float)o.Y2, o.Difficult);

    /// <summary>
    /// A box in the model's coordinates in VOC's (1-based, inclusive): xmin = x1 + 1, ymin = y1 + 1, xmax = x2,
    /// ymax = y2, computed in double so that integer VOC boxes come back exactly.
    /// </summary>
    public static (double X1, double Y1, double X2, double Y2) ToVoc(float x1, float y1, float x2, float y2) =>
        ((double)x1 + 1, (double)y1 + 1, x2, y2);

    /// <summary>The ground truth of <paramref name="dataset"/> (read by <see cref="Load"/>) as <see cref="VocAp"/> takes it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<VocObject>> GroundTruth(DetectionDataset dataset)
    {
        var truth = new Dictionary<string, IReadOnlyList<VocObject>>(StringComparer.Ordinal);
        foreach (var s in dataset.Samples)
            truth[s.Id] = s.Objects.Select(o =>
            {
                var (x1, y1, x2, y2) = ToVoc(o.X1, o.Y1, o.X2, o.Y2);
                return new VocObject(dataset.ClassNames[o.Label], x1, y1, x2, y2, o.Difficult);
            }).ToList();
        return truth;
    }
}
