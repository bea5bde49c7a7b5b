using TextureBias.Data;
using TextureBias.Demo;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Demo;

public class TextureShapeWorldTests : TempDirTest
{
    private static readonly TextureShapeWorld World = new(size: 64, seed: 3);

    private const int Side = 64;

    private static (double Area, double X, double Y) Moments(bool[] mask)
    {
        double area = 0, x = 0, y = 0;
        for (int i = 0; i < mask.Length; i++)
            if (mask[i]) { area++; x += i % Side; y += i / Side; }
        return (area, x / Math.Max(1, area), y / Math.Max(1, area));
    }

    private static bool[] Binary(byte[] mask) => mask.Select(v => v >= 128).ToArray();

    /// <summary>Every class's silhouettes at every 10° from −40° to 40°, mirrored or not, drawn once at radius 20 to learn their area and centroid.</summary>
    private static readonly Lazy<List<(int Shape, int Variant, float Angle, bool Mirror, (double Area, double X, double Y) M)>> Candidates = new(() =>
        (from shape in Enumerable.Range(0, Silhouettes.Names.Count)
         from variant in Enumerable.Range(0, Silhouettes.Variants)
         from angle in Enumerable.Range(-4, 9).Select(a => a * 10f)
         from mirror in new[] { false, true }
         select (shape, variant, angle, mirror, Moments(Binary(Silhouettes.Mask(shape, variant, new Pose(32, 32, 20, angle, mirror), Side, Side))))).ToList());

    /// <summary>
    /// Classifies a mask by template matching: each candidate silhouette is scaled to the mask's
    /// area, moved onto its centroid, and scored by intersection over union; the best one wins.
    /// </summary>
    private static (string Name, double IoU) ClassifyMask(bool[] mask)
    {
        var m = Moments(mask);
        (string, double) best = ("", -1);
        foreach (var c in Candidates.Value)
        {
            double scale = Math.Sqrt(m.Area / c.M.Area);
            float radius = (float)(20 * scale);
            float cx = (float)(m.X - (c.M.X - 32) * scale), cy = (float)(m.Y - (c.M.Y - 32) * scale);
            var t = Binary(Silhouettes.Mask(c.Shape, c.Variant, new Pose(cx, cy, radius, c.Angle, c.Mirror), Side, Side));
            int inter = 0, union = 0;
            for (int i = 0; i < t.Length; i++)
            {
                if (t[i] && mask[i]) inter++;
                if (t[i] || mask[i]) union++;
            }
            double iou = (double)inter / Math.Max(1, union);
            if (iou > best.Item2) best = (Silhouettes.Names[c.Shape], iou);
        }
        return best;
    }

    [Fact]
    public void RenderedSilhouettesAreClassifiedAsTheirLabelByTheirMasks()
    {
        int correct = 0, total = 0;
        foreach (var set in new[] { WorldSet.Silhouettes, WorldSet.CueConflict, WorldSet.NaturalTrain })
            for (int i = 0; i < 24; i++)
            {
                var image = World.Render(set, i);
                var background = new[] { image[0, 0, 0], image[0, 0, 1], image[0, 0, 2] };
                // The object: every pixel that is not the plain background (white for silhouettes).
                var mask = Enumerable.Range(0, Side * Side).Select(p => Enumerable.Range(0, 3).Sum(c => Math.Abs(image.Pixels[p * 3 + c] - background[c])) > 60).ToArray();
                string label = World.RelativePath(set, i).Split('/', '\\')[0];
                Assert.Equal(Silhouettes.Names[World.Scene(set, i).Shape], label);
                total++;
                var (got, iou) = ClassifyMask(mask);
                if (got == label && iou > 0.7) correct++; // 10° steps leave thin shapes a little off
            }
        Assert.True(correct >= 0.95 * total, $"{correct} of {total} masks classified as their label");
    }

    [Fact]
    public void TexturesFollowTheSetsRules()
    {
        int own = 0, n = 800;
        var stylizedCounts = new int[TextureShapeWorld.Classes];
        for (int i = 0; i < n; i++)
        {
            var natural = World.Scene(WorldSet.NaturalTrain, i);
            if (natural.Texture == natural.Shape) own++;
            stylizedCounts[World.Scene(WorldSet.StylizedTrain, i).Texture]++;
            var conflict = World.Scene(WorldSet.CueConflict, i);
            Assert.NotEqual(conflict.Shape, conflict.Texture);
            Assert.Equal(i % TextureShapeWorld.Classes, natural.Shape); // classes take turns
            // The cue-conflict name tells shape and texture as texture-vs-shape's stimuli do.
            string path = World.RelativePath(WorldSet.CueConflict, i);
            Assert.Equal(Silhouettes.Names[conflict.Texture], TextureBias.Evaluation.ShapeBias.TextureOf(path));
            Assert.StartsWith(Silhouettes.Names[conflict.Shape] + "/", path.Replace('\\', '/'));
        }
        Assert.InRange(own / (double)n, 0.92, 0.98);
        Assert.All(stylizedCounts, c => Assert.InRange(c, n / 8 - 35, n / 8 + 35));
        // Every other class's texture appears equally often on each cue-conflict shape.
        var pairs = Enumerable.Range(0, 7 * 8).Select(i => World.Scene(WorldSet.CueConflict, i)).Select(s => (s.Shape, s.Texture)).ToHashSet();
        Assert.Equal(56, pairs.Count);
    }

    [Fact]
    public void ImagesFollowFromSeedSetAndIndexAlone()
    {
        var again = new TextureShapeWorld(size: 64, seed: 3);
        var other = new TextureShapeWorld(size: 64, seed: 4);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(World.Render(WorldSet.NaturalTrain, i).Pixels, again.Render(WorldSet.NaturalTrain, i).Pixels);
            Assert.NotEqual(World.Render(WorldSet.NaturalTrain, i).Pixels, other.Render(WorldSet.NaturalTrain, i).Pixels);
        }
        // The texture family, not the colours alone, tells the family: two swatches of one family differ.
        Assert.NotEqual(TextureFamilies.Render(0, 32, 32, 1).Pixels, TextureFamilies.Render(0, 32, 32, 2).Pixels);
    }

    [Fact]
    public void WriteSetWritesAnImageFolderWholeOrNotAtAll()
    {
        string dir = Path.Combine(_dir, "natural-train");
        Assert.Equal(3 * 8, World.WriteSet(dir, WorldSet.NaturalTrain, 3));
        Assert.False(Directory.Exists(dir + ".partial"));
        var folder = ImageFolder.Open(new[] { dir });
        Assert.Equal(Silhouettes.Names, folder.Classes);
        Assert.Equal(24, folder.Samples.Count);
        Assert.All(folder.Classes.Select((c, k) => folder.Samples.Count(s => s.Label == k)), count => Assert.Equal(3, count));
        var first = folder.Samples[0].Path;
        Assert.Equal(World.Render(WorldSet.NaturalTrain, Silhouettes.IndexOf("arrow")!.Value).Pixels, ImageDecoder.Decode(first).Pixels);
        Assert.Equal(0, World.WriteSet(dir, WorldSet.NaturalTrain, 3)); // an existing set is kept

        // A cancelled job leaves no set behind, only the partial folder the next run replaces.
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        string stylized = Path.Combine(_dir, "stylized-train");
        Assert.ThrowsAny<OperationCanceledException>(() => World.WriteSet(stylized, WorldSet.StylizedTrain, 3, cancel: cancel.Token));
        Assert.False(Directory.Exists(stylized));
        Assert.Equal(24, World.WriteSet(stylized, WorldSet.StylizedTrain, 3));
    }
}
