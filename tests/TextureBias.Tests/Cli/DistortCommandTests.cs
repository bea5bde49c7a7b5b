using TextureBias.Distortions;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Cli;

public class DistortCommandTests : TempDirTest
{
    static string Reference(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "distortions", name);

    [Fact]
    public void OneImageEqualsTheReferencesOutput()
    {
        var output = Path.Combine(_dir, "low.png");
        var r = CliRunner.Run("distort", "--distortion", "contrast", "--level", "c30", "--image", Reference("example_image.png"), "--out", output);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(ImageDecoder.Decode(Reference("example_image_low_contrast.png")).Pixels, ImageDecoder.Decode(output).Pixels);

        var noisy = Path.Combine(_dir, "noisy.png");
        r = CliRunner.Run("distort", "--distortion", "uniform-noise", "--level", "0.2", "--numpy-seed", "42", "--image", Reference("example_image.png"), "--out", noisy);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(ImageDecoder.Decode(Reference("example_image_uniform_noise.png")).Pixels, ImageDecoder.Decode(noisy).Pixels);

        var bad = CliRunner.Run("distort", "--distortion", "contrast", "--level", "2", "--image", Reference("example_image.png"), "--out", output);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("level '2' is not a contrast", bad.Stderr);
        var unknown = CliRunner.Run("distort", "--distortion", "blur", "--level", "2", "--image", Reference("example_image.png"), "--out", output);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown distortion 'blur'", unknown.Stderr);
        foreach (var e in new[] { bad, unknown }) CliRunner.AssertNoStackTrace(e);
    }

    [Fact]
    public void FolderFormMirrorsTheTreePerLevelResumesSkipsBadFilesAndShards()
    {
        var data = Path.Combine(_dir, "data");
        Directory.CreateDirectory(Path.Combine(data, "cat"));
        Directory.CreateDirectory(Path.Combine(data, "dog"));
        var photo = ImageDecoder.Decode(Reference("example_image.png"));
        TestImages.WritePng(Path.Combine(data, "cat", "a.png"), Preprocessing.CropRegion(photo, 0, 0, 20, 16));
        TestImages.WriteJpeg(Path.Combine(data, "dog", "b.jpg"), Preprocessing.CropRegion(photo, 50, 50, 18, 12));
        TestImages.WritePng(Path.Combine(data, "dog", "c.png"), Preprocessing.CropRegion(photo, 100, 80, 16, 16));
        File.WriteAllText(Path.Combine(data, "dog", "broken.png"), "not a png");
        var outDir = Path.Combine(_dir, "out");

        var r = CliRunner.Run("distort", "--distortion", "contrast", "--data", data, "--out-dir", outDir, "--levels", "c100,0.1");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(1, r.ExitCode); // one input skipped
        Assert.Contains("broken.png", r.Stderr);
        Assert.Contains("broken.png", File.ReadAllText(Path.Combine(outDir, "skipped.csv")));
        var d = DistortionRegistry.Get("contrast");
        foreach (var (rel, src) in new[] { ("cat/a.png", "cat/a.png"), ("dog/b.png", "dog/b.jpg"), ("dog/c.png", "dog/c.png") })
        foreach (var cond in new[] { "c100", "c10" })
        {
            var expected = d.Apply(FloatImage.FromRgb(ImageDecoder.Decode(Path.Combine(data, src))), d.ParseLevel(cond), NoiseSource.Fast(0)).ToRgb();
            Assert.Equal(expected.Pixels, ImageDecoder.Decode(Path.Combine(outDir, cond, rel)).Pixels);
        }

        // Resume: a finished output is kept, a missing one is made again.
        var kept = Path.Combine(outDir, "c10", "cat", "a.png");
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(kept, stamp);
        File.Delete(Path.Combine(outDir, "c100", "dog", "c.png"));
        r = CliRunner.Run("distort", "--distortion", "contrast", "--data", data, "--out-dir", outDir, "--levels", "c100,0.1");
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(kept));
        Assert.True(File.Exists(Path.Combine(outDir, "c100", "dog", "c.png")));
        Assert.Contains("1 images written", r.Stderr);

        // Shards: 2 jobs together make what one makes; each writes only its part.
        var sharded = Path.Combine(_dir, "sharded");
        var s1 = CliRunner.Run("distort", "--distortion", "uniform-noise", "--data", data, "--out-dir", sharded, "--levels", "0.1", "--shard", "1/2", "--seed", "3");
        var files1 = Directory.GetFiles(sharded, "*.png", SearchOption.AllDirectories).Length;
        var s2 = CliRunner.Run("distort", "--distortion", "uniform-noise", "--data", data, "--out-dir", sharded, "--levels", "0.1", "--shard", "2/2", "--seed", "3");
        var whole = Path.Combine(_dir, "whole");
        CliRunner.Run("distort", "--distortion", "uniform-noise", "--data", data, "--out-dir", whole, "--levels", "0.1", "--seed", "3");
        Assert.InRange(files1, 1, 2);
        foreach (var rel in new[] { "cat/a.png", "dog/b.png", "dog/c.png" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "0.1", rel)), File.ReadAllBytes(Path.Combine(sharded, "0.1", rel)));
        var badShard = CliRunner.Run("distort", "--distortion", "contrast", "--data", data, "--out-dir", sharded, "--shard", "3/2");
        Assert.Equal(2, badShard.ExitCode);
        CliRunner.AssertNoStackTrace(badShard);
    }
}
