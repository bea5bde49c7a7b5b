using System.Collections.Concurrent;
using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;

namespace TextureBias.Demo;

/// <summary>
/// A generated "texture–shape world": silhouettes of <see cref="Silhouettes.Names"/> (several
/// per class, random position, size, rotation and mirroring) filled with the procedural
/// <see cref="TextureFamilies"/> on a plain background. Class k usually wears family k in the
/// natural sets, any family in the stylized sets, and another class's family in the
/// cue-conflict set. Every image follows from the seed, the set and its index alone.
/// </summary>
public sealed class TextureShapeWorld
{
    /// <summary>A world of <paramref name="size"/>-pixel square images.</summary>
    /// <param name="size">Image side in pixels.</param>
    /// <param name="seed">Seed of everything.</param>
    /// <param name="ownTexture">How often a natural image wears its own class's family.</param>
    public TextureShapeWorld(int size = 64, int seed = 0, double ownTexture = 0.95)
    {
        if (size < 16) throw new TextureBiasException("the world's images must be at least 16 pixels");
        if (ownTexture is < 0 or > 1) throw new TextureBiasException("the own-texture probability must lie in [0, 1]");
        Size = size;
        Seed = seed;
        OwnTexture = ownTexture;
    }

    /// <summary>Image side in pixels.</summary>
    public int Size { get; }

    /// <summary>Seed of everything.</summary>
    public int Seed { get; }

    /// <summary>How often a natural image wears its own class's texture family.</summary>
    public double OwnTexture { get; }

    /// <summary>Number of classes (and of texture families).</summary>
    public static int Classes => Silhouettes.Names.Count;

    /// <summary>The scene of image <paramref name="index"/> of <paramref name="set"/>; classes take turns, so every class has the same count.</summary>
    public WorldScene Scene(WorldSet set, int index)
    {
        var rng = new Random(Seeds.Mix(Seed, (int)set, index));
        int shape = index % Classes;
        int texture = set switch
        {
            WorldSet.NaturalTrain or WorldSet.NaturalTest => rng.NextDouble() < OwnTexture ? shape : (shape + 1 + rng.Next(Classes - 1)) % Classes,
            WorldSet.CueConflict => (shape + 1 + index / Classes % (Classes - 1)) % Classes,
            _ => rng.Next(Classes),
        };
        float radius = (float)(Size * (0.27 + 0.13 * rng.NextDouble()));
        float margin = radius + Size * 0.04f;
        var pose = new Pose((float)(margin + rng.NextDouble() * Math.Max(0, Size - 2 * margin)), (float)(margin + rng.NextDouble() * Math.Max(0, Size - 2 * margin)),
            radius, (float)(rng.NextDouble() * 80 - 40), rng.Next(2) == 1);
        return new WorldScene(shape, rng.Next(Silhouettes.Variants), texture, pose, rng.Next(), rng.Next());
    }

    /// <summary>The image of <paramref name="scene"/>: its texture inside the silhouette on a plain background.</summary>
    public RgbImage Render(WorldScene scene)
    {
        var texture = TextureFamilies.Render(scene.Texture, Size, Size, scene.TextureSeed);
        var mask = Mask(scene);
        // A plain, nearly grey background: only the object carries colour.
        var rng = new Random(scene.BackgroundSeed);
        var background = TextureFamilies.Hsv(360 * rng.NextDouble(), 0.12 * rng.NextDouble(), 0.35 + 0.6 * rng.NextDouble());
        var px = new byte[Size * Size * 3];
        for (int i = 0; i < mask.Length; i++)
        {
            double m = mask[i] / 255.0;
            for (int c = 0; c < 3; c++) px[i * 3 + c] = (byte)Math.Round(background[c] + m * (texture.Pixels[i * 3 + c] - background[c]));
        }
        return new RgbImage(Size, Size, px);
    }

    /// <summary>The scene's silhouette in black on white, as the silhouette test set shows it.</summary>
    public RgbImage RenderSilhouette(WorldScene scene)
    {
        var mask = Mask(scene);
        var px = new byte[Size * Size * 3];
        for (int i = 0; i < px.Length; i++) px[i] = (byte)(255 - mask[i / 3]);
        return new RgbImage(Size, Size, px);
    }

    /// <summary>The antialiased mask (0–255) of the scene's silhouette.</summary>
    public byte[] Mask(WorldScene scene) => Silhouettes.Mask(scene.Shape, scene.Variant, scene.Pose, Size, Size);

    /// <summary>The image of <paramref name="index"/> in <paramref name="set"/>.</summary>
    public RgbImage Render(WorldSet set, int index)
    {
        var scene = Scene(set, index);
        return set == WorldSet.Silhouettes ? RenderSilhouette(scene) : Render(scene);
    }

    /// <summary>
    /// The image's path in its set's ImageFolder layout: <c>&lt;class&gt;/&lt;set&gt;-&lt;index&gt;.png</c>,
    /// or for cue conflicts texture-vs-shape's <c>&lt;shape&gt;/&lt;shape&gt;N-&lt;texture class&gt;N.png</c>.
    /// </summary>
    public string RelativePath(WorldSet set, int index)
    {
        var scene = Scene(set, index);
        string shape = Silhouettes.Names[scene.Shape];
        string name = set == WorldSet.CueConflict
            ? $"{shape}{index / Classes + 1}-{Silhouettes.Names[scene.Texture]}{index / Classes + 1}.png"
            : $"{SetName(set)}-{index:D5}.png";
        return Path.Combine(shape, name);
    }

    /// <summary>The set's folder name: natural-train, stylized-train, test-natural, test-stylized, test-cue-conflict, test-silhouettes.</summary>
    public static string SetName(WorldSet set) => set switch
    {
        WorldSet.NaturalTrain => "natural-train",
        WorldSet.StylizedTrain => "stylized-train",
        WorldSet.NaturalTest => "test-natural",
        WorldSet.StylizedTest => "test-stylized",
        WorldSet.CueConflict => "test-cue-conflict",
        _ => "test-silhouettes",
    };

    /// <summary>
    /// Writes <paramref name="perClass"/> images per class of <paramref name="set"/> under
    /// <paramref name="dir"/> in the ImageFolder layout, on all cores. The set appears whole or
    /// not at all: it is written to <c>dir.partial</c> and renamed when complete; an existing
    /// <paramref name="dir"/> is left as it is. Returns the number of images written.
    /// </summary>
    public int WriteSet(string dir, WorldSet set, int perClass, Action<int>? progress = null, CancellationToken cancel = default)
    {
        if (Directory.Exists(dir)) return 0;
        string partial = dir.TrimEnd('/', '\\') + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, true);
        foreach (var name in Silhouettes.Names) Directory.CreateDirectory(Path.Combine(partial, name));
        int total = perClass * Classes, done = 0;
        Parallel.ForEach(Partitioner.Create(0, total, 16), new ParallelOptions { CancellationToken = cancel }, range =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                var image = Render(set, i);
                ImageEncoder.Save(Path.Combine(partial, RelativePath(set, i)), image, SKEncodedImageFormat.Png);
                progress?.Invoke(Interlocked.Increment(ref done));
            }
        });
        Directory.Move(partial, dir);
        return total;
    }

    /// <summary>
    /// Writes <paramref name="count"/> full-frame texture swatches (families taking turns) to
    /// <paramref name="dir"/>: the style images when the stylized set is made with AdaIN.
    /// Whole or not at all, as <see cref="WriteSet"/>.
    /// </summary>
    public int WriteSwatches(string dir, int count, int size, CancellationToken cancel = default)
    {
        if (Directory.Exists(dir)) return 0;
        string partial = dir.TrimEnd('/', '\\') + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, true);
        Directory.CreateDirectory(partial);
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            int family = i % Classes;
            var swatch = TextureFamilies.Render(family, size, size, Seeds.Mix(Seed, 99, i));
            ImageEncoder.Save(Path.Combine(partial, $"{TextureFamilies.Names[family]}-{i:D4}.png"), swatch, SKEncodedImageFormat.Png);
        });
        Directory.Move(partial, dir);
        return count;
    }
}
