using TextureBias.Imaging;
using TextureBias.Models.Serialization;
using TextureBias.Style;
using Xunit;

namespace TextureBias.Tests.Cli;

public class StylizeDatasetCommandTests : TempDirTest
{
    [Fact]
    public void DatasetModeRunsShardsAndReportsBadOptions()
    {
        var vgg = Path.Combine(_dir, "vgg.pth");
        var dec = Path.Combine(_dir, "dec.pth");
        using (var encoder = new VggEncoder()) ModelWeights.Save(encoder, vgg);
        using (var decoder = new AdaInDecoder()) ModelWeights.Save(decoder, dec);
        var photo = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));
        Directory.CreateDirectory(Path.Combine(_dir, "c", "cats"));
        Directory.CreateDirectory(Path.Combine(_dir, "s"));
        TestImages.WriteJpeg(Path.Combine(_dir, "c", "cats", "a.jpg"), Preprocessing.CropRegion(photo, 0, 0, 40, 32));
        TestImages.WriteJpeg(Path.Combine(_dir, "c", "cats", "b.jpg"), Preprocessing.CropRegion(photo, 50, 50, 40, 32));
        TestImages.WritePng(Path.Combine(_dir, "s", "paint.png"), Preprocessing.CropRegion(photo, 100, 0, 60, 48));
        var outDir = Path.Combine(_dir, "out");
        foreach (var shard in new[] { "1/2", "2/2" })
        {
            var r = CliRunner.Run("stylize", "--vgg", vgg, "--decoder", dec, "--content-dir", Path.Combine(_dir, "c"), "--style-dir", Path.Combine(_dir, "s"),
                "--out-dir", outDir, "--recipe", "stylize-datasets", "--style-size", "0", "--shard", shard);
            CliRunner.AssertNoStackTrace(r);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("1 images written", r.Stderr);
        }
        Assert.True(File.Exists(Path.Combine(outDir, "cats", "a-stylized-paint.jpg")));
        Assert.True(File.Exists(Path.Combine(outDir, "cats", "b-stylized-paint.jpg")));
        Assert.True(File.Exists(Path.Combine(outDir, "manifest-1-of-2.csv")));

        var badShard = CliRunner.Run("stylize", "--vgg", vgg, "--decoder", dec, "--content-dir", Path.Combine(_dir, "c"), "--style-dir", Path.Combine(_dir, "s"),
            "--out-dir", outDir, "--shard", "3/2");
        Assert.Equal(2, badShard.ExitCode);
        Assert.Contains("shard 3/2 does not exist", badShard.Stderr);
        var missing = CliRunner.Run("stylize", "--vgg", vgg, "--decoder", dec, "--content-dir", Path.Combine(_dir, "c"), "--out-dir", outDir);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("dataset mode needs --content-dir, --style-dir and --out-dir", missing.Stderr);
        foreach (var r in new[] { badShard, missing }) CliRunner.AssertNoStackTrace(r);
    }
}

public class BenchStylizeCommandTests
{
    [Fact]
    public void BenchStylizePrintsOneJsonLine()
    {
        var r = CliRunner.Run("bench", "stylize", "--size", "32", "--style-size", "40", "--batch", "2", "--images", "4");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout.Trim());
        var o = doc.RootElement;
        Assert.Equal(32, o.GetProperty("size").GetInt32());
        Assert.Equal(40, o.GetProperty("style_size").GetInt32());
        Assert.Equal(4, o.GetProperty("images").GetInt32());
        Assert.True(o.GetProperty("network_images_per_s").GetDouble() > 0);
        Assert.True(o.GetProperty("end_to_end_images_per_s").GetDouble() > 0);
    }
}
