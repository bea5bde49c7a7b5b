using SkiaSharp;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Cli;

public class PatchesCommandTests : TempDirTest
{
    [Fact]
    public void PatchesWritesMosaicAndCsvAndSkipsBadFiles()
    {
        var photo = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));
        Directory.CreateDirectory(Path.Combine(_dir, "data", "n02123045"));
        Directory.CreateDirectory(Path.Combine(_dir, "data", "misc"));
        TestImages.WritePng(Path.Combine(_dir, "data", "n02123045", "a.png"), Preprocessing.CropRegion(photo, 0, 0, 60, 50));
        TestImages.WritePng(Path.Combine(_dir, "data", "misc", "b.png"), Preprocessing.CropRegion(photo, 200, 100, 60, 50));
        File.WriteAllText(Path.Combine(_dir, "data", "misc", "broken.jpg"), "no");
        var png = Path.Combine(_dir, "m.png");
        var csv = Path.Combine(_dir, "p.csv");
        var r = CliRunner.Run("patches", "--arch", "bagnet9", "--data", Path.Combine(_dir, "data"), "--class", "n02123045,0",
            "--top", "3", "--resize", "0", "--crop", "0", "--out", png, "--csv", csv);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(1, r.ExitCode); // the broken file was skipped
        Assert.Contains("skipped " + Path.Combine(_dir, "data", "misc", "broken.jpg"), r.Stderr);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("class,row,rank,image,x,y,size,logit", lines[0]);
        Assert.Equal(3, lines.Count(l => l.StartsWith("281,class_images,")));
        Assert.All(lines.Where(l => l.StartsWith("281,class_images,")), l => Assert.Contains("n02123045", l));
        Assert.Equal(3, lines.Count(l => l.StartsWith("0,all_images,")));
        Assert.DoesNotContain(lines, l => l.StartsWith("0,class_images,")); // no image is labelled tench
        using var mosaic = SKBitmap.Decode(png);
        Assert.True(mosaic.Width > 3 * 96 && mosaic.Height > 2 * 2 * 96);
    }
}
