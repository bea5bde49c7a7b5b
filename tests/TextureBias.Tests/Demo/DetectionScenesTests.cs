using TextureBias.Demo;
using TextureBias.Detection;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Demo;

public class DetectionScenesTests : TempDirTest
{
    private static readonly DetectionScenes Scenes = new(size: 96, seed: 5, textureTile: 48);

    /// <summary>Pixels at least half covered by object k and not covered half by any object drawn after it, from the silhouettes' own masks.</summary>
    private static bool[] Visible(DetectionScenes scenes, DetectionScene scene, int k)
    {
        var masks = scene.Objects.Select(o => Silhouettes.Mask(o.Shape, o.Variant, o.Pose, scenes.Size, scenes.Size)).ToList();
        var visible = new bool[masks[k].Length];
        for (int i = 0; i < visible.Length; i++)
        {
            double v = masks[k][i] / 255.0;
            for (int j = k + 1; j < masks.Count; j++) v *= 1 - masks[j][i] / 255.0;
            visible[i] = v >= 0.5;
        }
        return visible;
    }

    [Fact]
    public void BoxesTightlyEncloseTheVisibleMasksAndLabelTheShapes()
    {
        int n = Scenes.Size;
        for (int index = 0; index < 12; index++)
        {
            var scene = Scenes.Scene(index);
            var rendered = Scenes.Render(scene);
            Assert.InRange(scene.Objects.Count, 2, 4);
            Assert.Equal(scene.Objects.Count, rendered.Objects.Count);
            for (int k = 0; k < scene.Objects.Count; k++)
            {
                var box = rendered.Objects[k];
                Assert.Equal(scene.Objects[k].Shape + 1, box.Label);
                Assert.Equal(Silhouettes.Names[scene.Objects[k].Shape], DetectionScenes.ClassNames[box.Label]);
                Assert.False(box.Difficult);
                var visible = Visible(Scenes, scene, k);
                Assert.True(visible.Count(v => v) > 50, $"scene {index} object {k} is hardly visible");
                bool[] rowHit = new bool[n], columnHit = new bool[n];
                for (int i = 0; i < visible.Length; i++)
                {
                    if (!visible[i]) continue;
                    int x = i % n, y = i / n;
                    // Continuous edges: pixel x spans [x, x+1).
                    Assert.True(x >= box.X1 && x + 1 <= box.X2 && y >= box.Y1 && y + 1 <= box.Y2, $"scene {index} object {k}: pixel ({x},{y}) outside its box");
                    rowHit[y] = columnHit[x] = true;
                }
                // Tight: the first and last pixel row and column inside the box hold a visible pixel.
                Assert.True(columnHit[(int)box.X1] && columnHit[(int)box.X2 - 1] && rowHit[(int)box.Y1] && rowHit[(int)box.Y2 - 1], $"scene {index} object {k}: box not tight");
                Assert.True(box.X1 >= 0 && box.Y1 >= 0 && box.X2 <= n && box.Y2 <= n);
            }
        }
    }

    [Fact]
    public void FullyCoveredObjectPixelsShowTheObjectsTexture()
    {
        var scene = Scenes.Scene(3);
        var rendered = Scenes.Render(scene);
        int n = Scenes.Size;
        var masks = scene.Objects.Select(o => Silhouettes.Mask(o.Shape, o.Variant, o.Pose, n, n)).ToList();
        for (int k = 0; k < scene.Objects.Count; k++)
        {
            var o = scene.Objects[k];
            var fill = TextureFamilies.Render(o.Texture, Scenes.TextureTile, Scenes.TextureTile, o.TextureSeed);
            int checkedPixels = 0;
            for (int i = 0; i < n * n; i++)
            {
                if (masks[k][i] != 255 || masks.Skip(k + 1).Any(m => m[i] != 0)) continue;
                // The swatch is centred on the object: canvas pixel (x, y) shows swatch pixel (x - X + tile/2, y - Y + tile/2).
                int tx = i % n - (int)Math.Round(o.Pose.X) + Scenes.TextureTile / 2, ty = i / n - (int)Math.Round(o.Pose.Y) + Scenes.TextureTile / 2;
                if (tx < 0 || ty < 0 || tx >= Scenes.TextureTile || ty >= Scenes.TextureTile) continue;
                for (int c = 0; c < 3; c++) Assert.Equal(fill.Pixels[(ty * Scenes.TextureTile + tx) * 3 + c], rendered.Image.Pixels[i * 3 + c]);
                checkedPixels++;
            }
            Assert.True(checkedPixels > 50);
        }
    }

    [Fact]
    public void ScenesFollowFromSeedAndIndexAlone()
    {
        var a = new DetectionScenes(size: 64, seed: 9).Render(4);
        var b = new DetectionScenes(size: 64, seed: 9).Render(4);
        var other = new DetectionScenes(size: 64, seed: 10).Render(4);
        Assert.Equal(a.Image.Pixels, b.Image.Pixels);
        Assert.Equal(a.Objects, b.Objects);
        Assert.NotEqual(a.Image.Pixels, other.Image.Pixels);
        Assert.NotEqual(a.Image.Pixels, new DetectionScenes(size: 64, seed: 9).Render(5).Image.Pixels);
    }

    [Fact]
    public void ObjectsOverlapLittle()
    {
        for (int index = 0; index < 20; index++)
        {
            var scene = Scenes.Scene(index);
            var masks = scene.Objects.Select(o => Silhouettes.Mask(o.Shape, o.Variant, o.Pose, Scenes.Size, Scenes.Size).Select(v => v >= 128).ToArray()).ToList();
            for (int a = 0; a < masks.Count; a++)
                for (int b = a + 1; b < masks.Count; b++)
                {
                    int shared = masks[a].Zip(masks[b]).Count(p => p.First && p.Second);
                    Assert.True(shared <= DetectionScenes.MaxMaskOverlap * Math.Min(masks[a].Count(v => v), masks[b].Count(v => v)));
                }
        }
    }

    [Fact]
    public void WritesAVocDevkitThatReadsBack()
    {
        string devkit = Path.Combine(_dir, "VOCdevkit");
        var scenes = new DetectionScenes(size: 64, seed: 2);
        Assert.Equal(7, scenes.WriteVoc(devkit, trainval: 5, test: 2));
        Assert.False(Directory.Exists(devkit + ".partial"));
        string year = Path.Combine(devkit, DetectionScenes.YearFolder);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"{i:D6}"), File.ReadAllLines(Path.Combine(year, "ImageSets", "Main", "trainval.txt")));
        Assert.Equal(new[] { "000006", "000007" }, File.ReadAllLines(Path.Combine(year, "ImageSets", "Main", "test.txt")));
        for (int i = 0; i < 7; i++)
        {
            var expected = scenes.Render(i);
            string id = DetectionScenes.Id(i);
            var annotation = VocAnnotation.Load(Path.Combine(year, "Annotations", id + ".xml"));
            Assert.Equal(id + ".png", annotation.FileName);
            // VOC's boxes are 1-based and inclusive: continuous edges [x1, x2) are pixels x1+1 … x2.
            Assert.Equal(expected.Objects.Select(o => new VocObject(DetectionScenes.ClassNames[o.Label], o.X1 + 1, o.Y1 + 1, o.X2, o.Y2, false)), annotation.Objects);
            Assert.Equal(expected.Image.Pixels, ImageDecoder.Decode(Path.Combine(year, "JPEGImages", id + ".png")).Pixels);
        }
        // The library's VOC reader gives back the scenes' boxes in the model's coordinates, their classes and PNG files.
        var read = VocDataset.Load(devkit, new[] { "2007" }, "trainval", DetectionScenes.ClassNames);
        Assert.Equal(DetectionScenes.ClassNames, read.ClassNames);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(DetectionScenes.Id(i), read.Samples[i].Id);
            Assert.Equal(Path.Combine(year, "JPEGImages", DetectionScenes.Id(i) + ".png"), read.Samples[i].ImagePath);
            Assert.Equal((64, 64), (read.Samples[i].Width, read.Samples[i].Height));
            Assert.Equal(scenes.Render(i).Objects, read.Samples[i].Objects);
        }
        Assert.Throws<TextureBiasException>(() => VocDataset.Load(devkit, new[] { "2007" }, "trainval"));
        // Present: kept as it is.
        File.Delete(Path.Combine(year, "JPEGImages", "000001.png"));
        Assert.Equal(0, scenes.WriteVoc(devkit, trainval: 5, test: 2));
        Assert.False(File.Exists(Path.Combine(year, "JPEGImages", "000001.png")));
    }
}
