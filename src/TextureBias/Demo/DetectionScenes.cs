using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;
using TextureBias.Data;
using TextureBias.Detection;
using TextureBias.Imaging;

namespace TextureBias.Demo;

/// <summary>
/// Detection scenes of the texture–shape world: a square canvas with a muted texture background and
/// <see cref="MinObjects"/>–<see cref="MaxObjects"/> of the world's objects (its <see cref="Silhouettes"/>
/// filled with its <see cref="TextureFamilies"/>, as in the natural sets: an object usually wears its own
/// class's family) at random sizes, positions, rotations and mirrorings, overlapping little. Boxes come from
/// the objects' masks, exactly. Every scene follows from the seed and its index alone, and
/// <see cref="WriteVoc"/> writes them as a PASCAL VOC devkit, so every VOC command reads them.
/// </summary>
public sealed class DetectionScenes
{
    /// <summary>The devkit's year folder.</summary>
    public const string YearFolder = "VOC2007";

    /// <summary>The largest share of an object's mask that another object may cover.</summary>
    public const double MaxMaskOverlap = 0.1;

    /// <summary>The largest IoU between two objects' boxes.</summary>
    public const double MaxBoxIou = 0.25;

    /// <summary>Scenes of <paramref name="size"/>-pixel square canvases.</summary>
    /// <param name="size">Canvas side in pixels (at least 32).</param>
    /// <param name="seed">Seed of everything.</param>
    /// <param name="ownTexture">How often an object wears its own class's texture family.</param>
    /// <param name="minObjects">Fewest objects per scene (at least 1).</param>
    /// <param name="maxObjects">Most objects per scene.</param>
    /// <param name="minRadius">Smallest object radius (half its size) as a fraction of the canvas.</param>
    /// <param name="maxRadius">Largest object radius as a fraction of the canvas.</param>
    /// <param name="textureTile">Side of the texture swatch each object wears, centred on it: the world's image size, so that
    /// textures have the scale the classification networks learned them at (the background's texture is drawn at the canvas's scale).</param>
    /// <exception cref="TextureBiasException">A setting is out of range.</exception>
    public DetectionScenes(int size = 128, int seed = 0, double ownTexture = 0.95, int minObjects = 2, int maxObjects = 4,
        double minRadius = 0.11, double maxRadius = 0.2, int textureTile = 64)
    {
        if (size < 32) throw new TextureBiasException($"detection scenes must be at least 32 pixels, not {size}");
        if (ownTexture is < 0 or > 1) throw new TextureBiasException("the own-texture probability must lie in [0, 1]");
        if (minObjects < 1 || maxObjects < minObjects) throw new TextureBiasException($"objects per scene must be 1 <= min <= max, not {minObjects}..{maxObjects}");
        if (!(minRadius > 0 && minRadius <= maxRadius && maxRadius <= 0.3))
            throw new TextureBiasException($"object radii must be 0 < min <= max <= 0.3 of the canvas, not {minRadius}..{maxRadius}");
        if (textureTile < 16) throw new TextureBiasException($"the texture tile must be at least 16 pixels, not {textureTile}");
        Size = size;
        TextureTile = textureTile;
        Seed = seed;
        OwnTexture = ownTexture;
        MinObjects = minObjects;
        MaxObjects = maxObjects;
        MinRadius = minRadius;
        MaxRadius = maxRadius;
    }

    /// <summary>Canvas side in pixels.</summary>
    public int Size { get; }

    /// <summary>Side of the texture swatch each object wears (centred on the object; pixels beyond it repeat its edge).</summary>
    public int TextureTile { get; }

    /// <summary>Seed of everything.</summary>
    public int Seed { get; }

    /// <summary>How often an object wears its own class's texture family.</summary>
    public double OwnTexture { get; }

    /// <summary>Fewest objects per scene (fewer only when no place is found for one).</summary>
    public int MinObjects { get; }

    /// <summary>Most objects per scene.</summary>
    public int MaxObjects { get; }

    /// <summary>Smallest object radius, as a fraction of the canvas.</summary>
    public double MinRadius { get; }

    /// <summary>Largest object radius, as a fraction of the canvas.</summary>
    public double MaxRadius { get; }

    /// <summary>The dataset's class names: background first, then the world's classes (<see cref="Silhouettes.Names"/>).</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[] { "__background__" }.Concat(Silhouettes.Names).ToArray();

    /// <summary>The scene of index <paramref name="index"/>.</summary>
    public DetectionScene Scene(int index)
    {
        var rng = new Random(Seeds.Mix(Seed, 18, index));
        int classes = TextureShapeWorld.Classes;
        int count = MinObjects + rng.Next(MaxObjects - MinObjects + 1);
        int backgroundFamily = rng.Next(classes), backgroundSeed = rng.Next();
        var objects = new List<WorldScene>();
        var masks = new List<bool[]>();
        var boxes = new List<(int X1, int Y1, int X2, int Y2)>();
        for (int k = 0; k < count; k++)
            for (int attempt = 0; attempt < 40; attempt++)
            {
                int shape = rng.Next(classes);
                int texture = rng.NextDouble() < OwnTexture ? shape : (shape + 1 + rng.Next(classes - 1)) % classes;
                float radius = (float)(Size * (MinRadius + (MaxRadius - MinRadius) * rng.NextDouble()));
                float margin = 1.25f * radius + 1; // a silhouette reaches at most 1.2 radii from its centre
                float x = (float)(margin + rng.NextDouble() * Math.Max(0, Size - 2 * margin));
                float y = (float)(margin + rng.NextDouble() * Math.Max(0, Size - 2 * margin));
                var candidate = new WorldScene(shape, rng.Next(Silhouettes.Variants), texture,
                    new Pose(x, y, radius, (float)(rng.NextDouble() * 80 - 40), rng.Next(2) == 1), rng.Next(), rng.Next());
                var mask = Binary(Mask(candidate));
                var box = Bounds(mask);
                if (box is null) continue;
                int area = mask.Count(v => v);
                bool fits = true;
                for (int j = 0; j < objects.Count && fits; j++)
                {
                    int shared = 0;
                    for (int i = 0; i < mask.Length; i++) if (mask[i] && masks[j][i]) shared++;
                    fits = shared <= MaxMaskOverlap * Math.Min(area, masks[j].Count(v => v)) && Iou(box.Value, boxes[j]) <= MaxBoxIou;
                }
                if (!fits) continue;
                objects.Add(candidate);
                masks.Add(mask);
                boxes.Add(box.Value);
                break;
            }
        return new DetectionScene(objects, backgroundFamily, backgroundSeed);
    }

    /// <summary>The antialiased mask (0–255) of one object of a scene on the whole canvas.</summary>
    public byte[] Mask(WorldScene item) => Silhouettes.Mask(item.Shape, item.Variant, item.Pose, Size, Size);

    /// <summary>
    /// The image of <paramref name="scene"/> and its objects' boxes: a muted texture background (a grey with the
    /// background family's pattern at low contrast), then each object's texture inside its silhouette, back to front.
    /// </summary>
    public RenderedScene Render(DetectionScene scene)
    {
        int n = Size * Size;
        var texture = TextureFamilies.Render(scene.BackgroundFamily, Size, Size, scene.BackgroundSeed);
        var rng = new Random(scene.BackgroundSeed);
        double grey = 255 * (0.35 + 0.6 * rng.NextDouble());
        var mean = new double[3];
        for (int i = 0; i < n * 3; i++) mean[i % 3] += texture.Pixels[i] / (double)n;
        var canvas = new double[n * 3];
        for (int i = 0; i < n * 3; i++) canvas[i] = Math.Clamp(grey + 0.3 * (texture.Pixels[i] - mean[i % 3]), 0, 255);

        var masks = scene.Objects.Select(Mask).ToList();
        foreach (var (item, mask) in scene.Objects.Zip(masks))
        {
            var fill = TextureFamilies.Render(item.Texture, TextureTile, TextureTile, item.TextureSeed);
            for (int i = 0; i < n; i++)
            {
                if (mask[i] == 0) continue;
                double m = mask[i] / 255.0;
                int t = TexturePixel(item.Pose, i % Size, i / Size);
                for (int c = 0; c < 3; c++) canvas[i * 3 + c] += m * (fill.Pixels[t * 3 + c] - canvas[i * 3 + c]);
            }
        }
        var px = new byte[n * 3];
        for (int i = 0; i < px.Length; i++) px[i] = (byte)Math.Round(canvas[i]);

        var objects = new List<DetectionObject>();
        for (int k = 0; k < masks.Count; k++)
        {
            var visible = new bool[n];
            for (int i = 0; i < n; i++)
            {
                double v = masks[k][i] / 255.0;
                for (int j = k + 1; j < masks.Count && v >= 0.5; j++) v *= 1 - masks[j][i] / 255.0;
                visible[i] = v >= 0.5;
            }
            if (Bounds(visible) is { } b) objects.Add(new DetectionObject(scene.Objects[k].Shape + 1, b.X1, b.Y1, b.X2 + 1, b.Y2 + 1, false));
        }
        return new RenderedScene(new RgbImage(Size, Size, px), objects);
    }

    /// <summary>The image and boxes of scene <paramref name="index"/>.</summary>
    public RenderedScene Render(int index) => Render(Scene(index));

    /// <summary>The VOC image id of scene <paramref name="index"/>: its index + 1 in six digits, as VOC2007 numbers its images.</summary>
    public static string Id(int index) => (index + 1).ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes scenes 0 … <paramref name="trainval"/>−1 (the trainval set) and the next <paramref name="test"/>
    /// (the test set) as a PASCAL VOC devkit under <paramref name="devkitDir"/>:
    /// <c>VOC2007/JPEGImages/000001.png</c> (PNG, lossless, named as such), <c>VOC2007/Annotations/000001.xml</c>
    /// (VOC's XML, boxes 1-based and inclusive), <c>VOC2007/ImageSets/Main/trainval.txt</c> and <c>test.txt</c>.
    /// The devkit appears whole or not at all (written to <c>devkitDir.partial</c>, then renamed); an existing
    /// <paramref name="devkitDir"/> is left as it is. Returns the number of scenes written.
    /// </summary>
    public int WriteVoc(string devkitDir, int trainval, int test, Action<int>? progress = null, CancellationToken cancel = default)
    {
        if (trainval < 1 || test < 1) throw new TextureBiasException("a detection devkit needs at least one trainval and one test scene");
        if (Directory.Exists(devkitDir)) return 0;
        string partial = devkitDir.TrimEnd('/', '\\') + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, true);
        string year = Path.Combine(partial, YearFolder);
        string images = Path.Combine(year, "JPEGImages"), annotations = Path.Combine(year, "Annotations"), sets = Path.Combine(year, "ImageSets", "Main");
        foreach (var d in new[] { images, annotations, sets }) Directory.CreateDirectory(d);
        int total = trainval + test, done = 0;
        Parallel.ForEach(Partitioner.Create(0, total, 8), new ParallelOptions { CancellationToken = cancel }, range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                var rendered = Render(i);
                string id = Id(i);
                ImageEncoder.SavePng(Path.Combine(images, id + ".png"), rendered.Image);
                AtomicFile.WriteText(Path.Combine(annotations, id + ".xml"), Annotation(id + ".png", rendered));
                progress?.Invoke(Interlocked.Increment(ref done));
            }
        });
        cancel.ThrowIfCancellationRequested();
        AtomicFile.WriteText(Path.Combine(sets, "trainval.txt"), string.Concat(Enumerable.Range(0, trainval).Select(i => Id(i) + "\n")));
        AtomicFile.WriteText(Path.Combine(sets, "test.txt"), string.Concat(Enumerable.Range(trainval, test).Select(i => Id(i) + "\n")));
        Directory.Move(partial, devkitDir);
        return total;
    }

    /// <summary>The VOC annotation XML of a rendered scene (boxes 1-based and inclusive: pixel columns x1+1 … x2).</summary>
    public static string Annotation(string fileName, RenderedScene scene)
    {
        static string I(float v) => ((int)Math.Round(v)).ToString(CultureInfo.InvariantCulture);
        var root = new XElement("annotation",
            new XElement("folder", YearFolder),
            new XElement("filename", fileName),
            new XElement("source", new XElement("database", "TextureBias texture-shape world")),
            new XElement("size", new XElement("width", scene.Image.Width), new XElement("height", scene.Image.Height), new XElement("depth", 3)),
            new XElement("segmented", 0),
            scene.Objects.Select(o => new XElement("object",
                new XElement("name", ClassNames[o.Label]),
                new XElement("pose", "Unspecified"),
                new XElement("truncated", 0),
                new XElement("difficult", o.Difficult ? 1 : 0),
                new XElement("bndbox",
                    new XElement("xmin", I(o.X1 + 1)), new XElement("ymin", I(o.Y1 + 1)),
                    new XElement("xmax", I(o.X2)), new XElement("ymax", I(o.Y2))))));
        return new XDocument(root).ToString() + "\n";
    }

    /// <summary>The pixel (index into a <see cref="TextureTile"/>² swatch) an object at <paramref name="pose"/> shows at canvas pixel (x, y).</summary>
    public int TexturePixel(Pose pose, int x, int y)
    {
        int half = TextureTile / 2;
        int tx = Math.Clamp(x - (int)Math.Round(pose.X) + half, 0, TextureTile - 1), ty = Math.Clamp(y - (int)Math.Round(pose.Y) + half, 0, TextureTile - 1);
        return ty * TextureTile + tx;
    }

    private static bool[] Binary(byte[] mask) => mask.Select(v => v >= 128).ToArray();

    private (int X1, int Y1, int X2, int Y2)? Bounds(bool[] mask)
    {
        int x1 = int.MaxValue, y1 = int.MaxValue, x2 = -1, y2 = -1;
        for (int i = 0; i < mask.Length; i++)
        {
            if (!mask[i]) continue;
            int x = i % Size, y = i / Size;
            x1 = Math.Min(x1, x); x2 = Math.Max(x2, x); y1 = Math.Min(y1, y); y2 = Math.Max(y2, y);
        }
        return x2 < 0 ? null : (x1, y1, x2, y2);
    }

    private static double Iou((int X1, int Y1, int X2, int Y2) a, (int X1, int Y1, int X2, int Y2) b)
    {
        double w = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1) + 1, h = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1) + 1;
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h;
        return inter / ((a.X2 - a.X1 + 1.0) * (a.Y2 - a.Y1 + 1) + (b.X2 - b.X1 + 1.0) * (b.Y2 - b.Y1 + 1) - inter);
    }
}
