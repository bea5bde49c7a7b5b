using SkiaSharp;
using TextureBias.Imaging;
using TextureBias.Interpretation;
using TextureBias.Models;
using TextureBias.Reports;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Interpretation;

public class InformativePatchesTests : TempDirTest
{
    [Fact]
    public void TopPatchesKeepsTheBestInOrder()
    {
        var top = new TopPatches(3);
        var logits = new[] { 0.5f, 2f, -1f, 7f, 2f, float.NaN, 3f, 1f };
        for (int i = 0; i < logits.Length; i++) top.Offer(new PatchHit(0, $"img{i}", i, 0, 9, logits[i]));
        Assert.Equal(new[] { 7f, 3f, 2f }, top.Best.Select(b => b.Logit));
        Assert.Equal("img1", top.Best[2].Image); // of two equal logits the first one offered stays
    }

    [Fact]
    public void FolderNamesAreLabels()
    {
        Assert.Equal(281, InformativePatches.FolderLabel("/data/n02123045/x.jpg"));
        Assert.Equal(7, InformativePatches.FolderLabel("/data/7/x.jpg", 10));
        Assert.Null(InformativePatches.FolderLabel("/data/cats/x.jpg"));
        Assert.Null(InformativePatches.FolderLabel("/data/12/x.jpg", 10));
    }

    [Fact]
    public void SearchFindsTheSameBestPatchesAsABruteForceSearch()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var model = BagNet.BagNet9(4, width: 4);
        model.eval();
        var rng = new Random(2);
        var files = new List<string>();
        foreach (var folder in new[] { "1", "3", "unlabelled" })
        {
            Directory.CreateDirectory(Path.Combine(_dir, folder));
            for (int i = 0; i < 3; i++)
            {
                var px = new byte[40 * 33 * 3];
                rng.NextBytes(px);
                var path = Path.Combine(_dir, folder, $"{i}.png");
                TestImages.WritePng(path, new RgbImage(40, 33, px));
                files.Add(path);
            }
        }
        files.Sort(StringComparer.Ordinal);
        var pre = new Preprocessing(0, 0);
        var result = InformativePatches.Find(model, files, new[] { 1, 3 }, top: 4, pre, batchSize: 2);
        Assert.Equal(9, result.Images);

        // Brute force: every patch of every image.
        var all = new List<PatchHit>();
        using (no_grad())
            foreach (var f in files)
            {
                var map = model.PatchLogits(pre.Load(f).unsqueeze(0))[0];
                for (int c = 0; c < 4; c++)
                for (int i = 0; i < map.shape[1]; i++)
                for (int j = 0; j < map.shape[2]; j++)
                    all.Add(new PatchHit(c, f, j * 8, i * 8, 9, map[c, i, j].item<float>()));
            }
        foreach (var c in new[] { 1, 3 })
        {
            var expectAll = all.Where(h => h.Class == c).OrderByDescending(h => h.Logit).Take(4).ToList();
            var expectClass = all.Where(h => h.Class == c && Path.GetFileName(Path.GetDirectoryName(h.Image)) == c.ToString()).OrderByDescending(h => h.Logit).Take(4).ToList();
            Assert.Equal(expectAll.Select(h => (h.Image, h.X, h.Y)), result.FromAllImages[c].Select(h => (h.Image, h.X, h.Y)));
            Assert.Equal(expectClass.Select(h => (h.Image, h.X, h.Y)), result.FromClassImages[c].Select(h => (h.Image, h.X, h.Y)));
            // Batched and single-image forwards may sum in another order (and oneDNN's kernels differ
            // between batch sizes): compare to the project's 1e-4, relative to the size.
            for (int r = 0; r < 4; r++)
                Assert.Equal(expectAll[r].Logit, result.FromAllImages[c][r].Logit, 1e-4 * Math.Max(1, Math.Abs(expectAll[r].Logit)));
        }

        // The mosaic has a block of two rows per class, and the CSV a line per patch.
        using var mosaic = PatchMosaic.Render(result, pre, 4, 4);
        using var one = PatchMosaic.Render(result with { FromAllImages = result.FromAllImages.Where(kv => kv.Key == 1).ToDictionary(kv => kv.Key, kv => kv.Value) }, pre, 4, 4);
        Assert.True(mosaic.Height > one.Height + 200);
        var csv = Path.Combine(_dir, "p.csv");
        PatchMosaic.SaveCsv(csv, result);
        Assert.Equal(1 + 4 * 4, File.ReadAllLines(csv).Length);
    }
}
