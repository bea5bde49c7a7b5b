using TextureBias.Imaging;
using TextureBias.Style;
using TextureBias.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Style;

public class DatasetStylizerTests : TempDirTest
{
    private static StyleTransfer Formula() => FormulaWeights.StyleTransfer();

    [Fact]
    public void StyleChoiceDependsOnlyOnSeedAndPath()
    {
        var a = DatasetStylizer.ChooseStyles("n01/a.JPEG", 10, 3, 49809);
        Assert.Equal(a, DatasetStylizer.ChooseStyles("n01/a.JPEG", 10, 3, 49809));
        Assert.Equal(3, a.Distinct().Count());
        Assert.All(a, i => Assert.InRange(i, 0, 9));
        var many = Enumerable.Range(0, 200).Select(i => DatasetStylizer.ChooseStyles($"c/{i}.png", 5, 1, 1)[0]).ToList();
        Assert.Equal(5, many.Distinct().Count()); // all styles get used
        Assert.NotEqual(many, Enumerable.Range(0, 200).Select(i => DatasetStylizer.ChooseStyles($"c/{i}.png", 5, 1, 2)[0]).ToList());
    }

    [Fact]
    public void SinJobIsShardableResumableAndEqualsSingleImageStylization()
    {
        var photo = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));
        var content = Path.Combine(_dir, "content");
        var styles = Path.Combine(_dir, "styles");
        foreach (var cls in new[] { "n01", "n02" }) Directory.CreateDirectory(Path.Combine(content, cls));
        Directory.CreateDirectory(styles);
        var rng = new Random(3);
        for (int i = 0; i < 4; i++)
        {
            var crop = Preprocessing.CropRegion(photo, rng.Next(0, 150), rng.Next(0, 100), 64, 48);
            TestImages.WriteJpeg(Path.Combine(content, i < 2 ? "n01" : "n02", $"img{i}.JPEG"), crop);
        }
        File.WriteAllText(Path.Combine(content, "n02", "broken.JPEG"), "not a picture");
        TestImages.WritePng(Path.Combine(styles, "wide.png"), Preprocessing.CropRegion(photo, 0, 0, 300, 240));
        TestImages.WritePng(Path.Combine(styles, "square.png"), Preprocessing.CropRegion(photo, 150, 50, 224, 224));
        TestImages.WritePng(Path.Combine(styles, "small.png"), Preprocessing.CropRegion(photo, 0, 0, 100, 230)); // under 224: excluded

        using var transfer = Formula();
        var options = new DatasetStylizeOptions { Batch = 2 };
        var single = Path.Combine(_dir, "single");
        var report = DatasetStylizer.Run(transfer, content, styles, single, options);
        Assert.Equal((4, 0, 1, 2, 1), (report.Written, report.AlreadyDone, report.Skipped, report.Styles, report.ExcludedStyles));
        var outputs = Directory.GetFiles(single, "*.png", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(single, p)).Order().ToList();
        Assert.Equal(new[] { "n01/img0.png", "n01/img1.png", "n02/img2.png", "n02/img3.png" }, outputs);
        var manifest = File.ReadAllLines(Path.Combine(single, "manifest.csv"));
        Assert.Equal("content,style,output", manifest[0]);
        Assert.Equal(5, manifest.Length);
        var skipped = File.ReadAllText(Path.Combine(single, "skipped.csv"));
        Assert.Contains("broken.JPEG", skipped);
        Assert.Contains("small.png,style excluded", skipped);

        // One output equals single-image AdaIN of the preprocessed content with its style.
        var line = manifest[1].Split(',');
        var expected = transfer.Stylize(new Preprocessing(256, 224).Geometry(ImageDecoder.Decode(Path.Combine(content, line[0]))),
            new[] { DatasetStylizer.PrepareStyle(ImageDecoder.Decode(Path.Combine(styles, line[1])), StyleRecipe.Sin) },
            new StyleOptions { ContentSize = 0, StyleSize = 0 });
        var written = ImageDecoder.Decode(Path.Combine(single, line[2]));
        Assert.Equal((224, 224), (written.Width, written.Height));
        Assert.True(expected.Pixels.Zip(written.Pixels).Max(p => Math.Abs(p.First - p.Second)) <= 1);

        // Three shards give the same files; the union of their manifests is the single job's.
        var sharded = Path.Combine(_dir, "sharded");
        foreach (var k in new[] { 1, 2, 3 })
            DatasetStylizer.Run(transfer, content, styles, sharded, options with { ShardIndex = k, ShardCount = 3, StyleCache = Path.Combine(single, ".style-cache") });
        foreach (var o in outputs)
            Assert.True(ImageDecoder.Decode(Path.Combine(single, o)).Pixels.Zip(ImageDecoder.Decode(Path.Combine(sharded, o)).Pixels).All(p => Math.Abs(p.First - p.Second) <= 1), o);
        var union = new[] { 1, 2, 3 }.SelectMany(k => File.ReadAllLines(Path.Combine(sharded, $"manifest-{k}-of-3.csv")).Skip(1)).Order(StringComparer.Ordinal);
        Assert.Equal(manifest.Skip(1).Order(StringComparer.Ordinal), union);

        // A job killed midway (here: cancelled after its first batch) and run again gives the
        // same files and manifest as the uninterrupted job, and leaves no tensor alive.
        var killed = Path.Combine(_dir, "killed");
        using (var cancel = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() => DatasetStylizer.Run(transfer, content, styles, killed, options,
                (done, total) => { if (done >= 2) cancel.Cancel(); }, null, cancel.Token));
        }
        int before = Directory.GetFiles(killed, "*.png", SearchOption.AllDirectories).Length;
        Assert.InRange(before, 1, 3);
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var resumed = DatasetStylizer.Run(transfer, content, styles, killed, options);
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal((4 - before, before), (resumed.Written, resumed.AlreadyDone));
        foreach (var o in outputs)
            Assert.Equal(File.ReadAllBytes(Path.Combine(single, o)), File.ReadAllBytes(Path.Combine(killed, o)));
        Assert.Equal(manifest, File.ReadAllLines(Path.Combine(killed, "manifest.csv")));
        Assert.Empty(Directory.GetFiles(killed, "*.tmp", SearchOption.AllDirectories));
    }
}
