using TextureBias.Imaging;
using TextureBias.Models.Serialization;
using TextureBias.Style;
using Xunit;

namespace TextureBias.Tests.Cli;

public class StylizeCommandTests : TempDirTest
{
    [Fact]
    public void StylizeWritesTheLibrarysResultAndExplainsBadInput()
    {
        var vgg = Path.Combine(_dir, "vgg_normalised.pth");
        var dec = Path.Combine(_dir, "decoder.safetensors");
        using (var encoder = new VggEncoder()) ModelWeights.Save(encoder, vgg);
        using (var decoder = new AdaInDecoder()) ModelWeights.Save(decoder, dec);
        var photo = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));
        var content = Path.Combine(_dir, "content.png");
        var style = Path.Combine(_dir, "style.jpg");
        TestImages.WritePng(content, Preprocessing.CropRegion(photo, 0, 0, 90, 60));
        TestImages.WriteJpeg(style, Preprocessing.CropRegion(photo, 200, 100, 70, 70));
        var output = Path.Combine(_dir, "out", "stylized.png");

        var r = CliRunner.Run("stylize", "--vgg", vgg, "--decoder", dec, "--content", content, "--style", style,
            "--content-size", "40", "--style-size", "32", "--alpha", "0.8", "--out", output);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        var written = ImageDecoder.Decode(output);
        using var transfer = StyleTransfer.Load(vgg, dec);
        var expected = transfer.Stylize(ImageDecoder.Decode(content), new[] { ImageDecoder.Decode(style) },
            new StyleOptions { ContentSize = 40, StyleSize = 32, Alpha = 0.8 });
        // 90x60 content, shorter side 40: 60x40; the encoder pools round up (60 -> 30 -> 15 -> 8), so the
        // decoder gives 64x40, as pytorch-AdaIN does.
        Assert.Equal((64, 40), (written.Width, written.Height));
        Assert.Equal(expected.Pixels, written.Pixels);

        var swapped = CliRunner.Run("stylize", "--vgg", dec, "--decoder", vgg, "--content", content, "--style", style, "--out", output);
        Assert.Equal(2, swapped.ExitCode);
        Assert.Contains("does not fit vgg_normalised", swapped.Stderr);
        var weights = CliRunner.Run("stylize", "--vgg", vgg, "--decoder", dec, "--content", content, "--style", style,
            "--style-weights", "0.5,0.5", "--out", output);
        Assert.Equal(2, weights.ExitCode);
        Assert.Contains("2 style weights for 1 styles", weights.Stderr);
        var badOut = CliRunner.Run("stylize", "--vgg", vgg, "--decoder", dec, "--content", content, "--style", style, "--out", Path.Combine(_dir, "x.tiff"));
        Assert.Contains("cannot write '.tiff' images", badOut.Stderr);
        foreach (var e in new[] { swapped, weights, badOut }) CliRunner.AssertNoStackTrace(e);
    }
}
