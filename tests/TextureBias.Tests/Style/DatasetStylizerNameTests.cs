using TextureBias.Imaging;
using TextureBias.Style;
using TextureBias.Tests.Models;
using Xunit;

namespace TextureBias.Tests.Style;

public class DatasetStylizerNameTests : TempDirTest
{
    private readonly RgbImage _photo = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));

    private string Content(string relative, int x, int width = 48, int height = 40)
    {
        string path = Path.Combine(_dir, "content", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var crop = Preprocessing.CropRegion(_photo, x, 20, width, height);
        if (path.EndsWith(".jpg")) TestImages.WriteJpeg(path, crop);
        else TestImages.WritePng(path, crop);
        return path;
    }

    private List<string> FilesUnder(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p)).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void OddNamesMapFaithfullyInsideTheOutputFolderAndNoOutputIsWrittenTwice()
    {
        if (!OperatingSystem.IsLinux()) return; // '\' is a separator elsewhere
        Content("sub\\x.png", 0);                  // one name, with a backslash
        Content("sub/x.png", 60);                  // x.png in the folder sub
        Content("x\\..\\..\\escape.png", 120);     // one name that looks like a way out
        Content("c/a.jpg", 180);                   // the sin recipe names both c/a.png
        Content("c/a.png", 240);
        Directory.CreateDirectory(Path.Combine(_dir, "styles"));
        TestImages.WritePng(Path.Combine(_dir, "styles", "paint.png"), Preprocessing.CropRegion(_photo, 100, 40, 224, 224));
        string outDir = Path.Combine(_dir, "out");
        using var transfer = FormulaWeights.StyleTransfer();
        var skippedInputs = new List<TextureBias.Data.ImageFailure>();
        var report = DatasetStylizer.Run(transfer, Path.Combine(_dir, "content"), Path.Combine(_dir, "styles"), outDir,
            new DatasetStylizeOptions { Batch = 2 }, onFailure: skippedInputs.Add);

        Assert.Equal((4, 1), (report.Written, report.Skipped));
        var images = FilesUnder(outDir).Where(f => f.EndsWith(".png") && !f.StartsWith(".style-cache")).ToList();
        Assert.Equal(new[] { "c/a.png", "sub/x.png", "sub\\x.png", "x\\..\\..\\escape.png" }, images);
        // Each written image is that of its own content: the manifest pairs them one to one.
        var manifest = File.ReadAllLines(report.Manifest).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(new[] { "c/a.jpg", "sub/x.png", "sub\\x.png", "x\\..\\..\\escape.png" }, manifest.Select(m => m[0]).Order(StringComparer.Ordinal));
        Assert.All(manifest, m => Assert.Equal(Path.ChangeExtension(m[0], ".png"), m[2]));
        // Nothing was written outside the output folder.
        Assert.Equal(new[] { "c/a.jpg", "c/a.png", "sub/x.png", "sub\\x.png", "x\\..\\..\\escape.png" }, FilesUnder(Path.Combine(_dir, "content")));
        Assert.Equal(new[] { "content", "out", "styles" }, Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_dir)!, "escape.png"));

        // The second image of one output name is skipped, with its reason, and so in every shard.
        var skipped = Assert.Single(skippedInputs);
        Assert.Equal(Path.Combine(_dir, "content", "c", "a.png"), skipped.Path);
        Assert.Contains("c/a.png is already that of", skipped.Reason);
        Assert.Contains("a.png", File.ReadAllLines(report.SkippedList)[1]);
        string sharded = Path.Combine(_dir, "sharded");
        var shards = new[] { 1, 2 }.Select(k => DatasetStylizer.Run(transfer, Path.Combine(_dir, "content"), Path.Combine(_dir, "styles"), sharded,
            new DatasetStylizeOptions { Batch = 2, ShardIndex = k, ShardCount = 2 })).ToList();
        Assert.Equal((4, 1), (shards.Sum(s => s.Written), shards.Sum(s => s.Skipped)));
        Assert.Equal(images, FilesUnder(sharded).Where(f => f.EndsWith(".png") && !f.StartsWith(".style-cache")));
    }

    [Fact]
    public void TooSmallContentsAreSkippedAndTooSmallStylesExcluded()
    {
        Content("ok/a.png", 0);
        Content("ok/tiny.png", 60, 8, 8);
        Content("ok/b.png", 120);
        Directory.CreateDirectory(Path.Combine(_dir, "styles"));
        TestImages.WritePng(Path.Combine(_dir, "styles", "paint.png"), Preprocessing.CropRegion(_photo, 100, 40, 60, 48));
        TestImages.WritePng(Path.Combine(_dir, "styles", "speck.png"), Preprocessing.CropRegion(_photo, 100, 40, 6, 40));
        using var transfer = FormulaWeights.StyleTransfer();
        var options = new DatasetStylizeOptions { Recipe = StyleRecipe.StylizeDatasets, ContentSize = 0, StyleSize = 0, Batch = 4 };
        var skipped = new List<TextureBias.Data.ImageFailure>();
        var report = DatasetStylizer.Run(transfer, Path.Combine(_dir, "content"), Path.Combine(_dir, "styles"), Path.Combine(_dir, "out"), options, onFailure: skipped.Add);
        Assert.Equal((2, 1, 1, 1), (report.Written, report.Skipped, report.Styles, report.ExcludedStyles));
        Assert.Equal("image is 8x8 after preprocessing, smaller than the 9 pixels AdaIN's VGG encoder (relu4_1) needs", Assert.Single(skipped).Reason);
        Assert.Contains("speck.png,style excluded: 6x40 is smaller than the 9 pixels", File.ReadAllText(report.SkippedList));
        Assert.True(File.Exists(Path.Combine(_dir, "out", "ok", "a-stylized-paint.png")) && File.Exists(Path.Combine(_dir, "out", "ok", "b-stylized-paint.png")));

        foreach (var (bad, says) in new[]
        {
            (options with { ContentSize = 8 }, "--content-size 8 is too small"),
            (options with { StyleSize = 4 }, "--style-size 4 is too small"),
            (new DatasetStylizeOptions { NumStyles = 2 }, "--num-styles above 1 needs --recipe stylize-datasets"),
        })
        {
            var e = Assert.Throws<TextureBiasException>(() => DatasetStylizer.Run(transfer, Path.Combine(_dir, "content"), Path.Combine(_dir, "styles"), Path.Combine(_dir, "refused"), bad));
            Assert.Contains(says, e.Message);
        }
        Assert.False(Directory.Exists(Path.Combine(_dir, "refused"))); // before any work
    }

    [Fact]
    public void ALongOutputNameIsWrittenAndATooLongOneRefused()
    {
        string fits = new string('n', 230), tooLong = new string('m', 245); // 230 + "-stylized-paint.png" fits 255 bytes, 245 + 19 does not
        Content($"ok/{fits}.png", 0);
        Content($"ok/{tooLong}.png", 60);
        Directory.CreateDirectory(Path.Combine(_dir, "styles"));
        TestImages.WritePng(Path.Combine(_dir, "styles", "paint.png"), Preprocessing.CropRegion(_photo, 100, 40, 60, 48));
        using var transfer = FormulaWeights.StyleTransfer();
        var skipped = new List<TextureBias.Data.ImageFailure>();
        var report = DatasetStylizer.Run(transfer, Path.Combine(_dir, "content"), Path.Combine(_dir, "styles"), Path.Combine(_dir, "out"),
            new DatasetStylizeOptions { Recipe = StyleRecipe.StylizeDatasets, StyleSize = 0 }, onFailure: skipped.Add);
        Assert.Equal((1, 1), (report.Written, report.Skipped));
        Assert.True(File.Exists(Path.Combine(_dir, "out", "ok", $"{fits}-stylized-paint.png"))); // its temporary file had a shorter name
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "out"), "*.tmp", SearchOption.AllDirectories));
        Assert.Equal("its output name would be 264 bytes long, more than the 255 a file name may have", Assert.Single(skipped).Reason);
    }
}
