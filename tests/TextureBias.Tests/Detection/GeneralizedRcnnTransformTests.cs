using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>GeneralizedRCNNTransform: the min/max size rule, padding to a multiple of the divisor, normalisation and box scaling.</summary>
public class GeneralizedRcnnTransformTests
{
    private static readonly FasterRcnnOptions Small = FasterRcnnOptions.Torchvision with { MinSize = 64, MaxSize = 100 };

    [Theory]
    [InlineData(48, 80, 60, 100)]   // the long side limits: 100/80 < 64/48
    [InlineData(70, 56, 80, 64)]    // the short side rules: 64/56 < 100/70
    [InlineData(64, 64, 64, 64)]    // already there
    [InlineData(30, 300, 10, 100)]  // very long
    public void ResizesByTheMinMaxRule(int h, int w, int eh, int ew)
    {
        Assert.Equal((eh, ew), new GeneralizedRcnnTransform(Small).ResizedSize(h, w));
    }

    [Theory]
    // Sizes torchvision 0.14's GeneralizedRCNNTransform(800, 1333, ...) gives (checked by hand with PyTorch): the
    // scale is a float32, 800/375 = 2.1333332, so 375 becomes floor(799.99997) = 799, not 800.
    [InlineData(375, 500, 799, 1066)]
    [InlineData(500, 333, 1201, 799)]
    [InlineData(480, 2000, 319, 1333)]  // panorama: the long side limits
    public void TorchvisionsDefaultSizes(int h, int w, int eh, int ew)
    {
        Assert.Equal((eh, ew), new GeneralizedRcnnTransform(FasterRcnnOptions.Torchvision).ResizedSize(h, w));
    }

    [Fact]
    public void SizesEqualTorchvisionsForManyImages()
    {
        var t = new GeneralizedRcnnTransform(FasterRcnnOptions.Torchvision);
        var rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "detection", "resize-sizes.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(' ').Select(int.Parse).ToArray()).ToList();
        Assert.True(rows.Count >= 400);
        foreach (var r in rows) Assert.Equal((r[2], r[3]), t.ResizedSize(r[0], r[1]));
    }

    [Fact]
    public void NormalisesResizesAndPadsWithZerosToAMultipleOf32()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(5);
        var a = rand(new long[] { 3, 48, 80 }, generator: g);
        var b = rand(new long[] { 3, 70, 56 }, generator: g);
        var (batch, _) = new GeneralizedRcnnTransform(Small).Apply(new[] { a, b });
        Assert.Equal(new long[] { 2, 3, 96, 128 }, batch.Tensors.shape); // max 80x100 -> 96x128
        Assert.Equal(new[] { (60, 100), (80, 64) }, batch.ImageSizes.Select(s => (s.Height, s.Width)).ToArray());
        // Content: normalised then bilinearly resized (align_corners false), as written out here.
        var mean = tensor(new[] { 0.485f, 0.456f, 0.406f }).view(-1, 1, 1);
        var std = tensor(new[] { 0.229f, 0.224f, 0.225f }).view(-1, 1, 1);
        var expectedB = nn.functional.interpolate(((b - mean) / std).unsqueeze(0), size: new long[] { 80, 64 }, mode: InterpolationMode.Bilinear, align_corners: false)[0];
        Assert.True(batch.Tensors[1, .., ..80, ..64].allclose(expectedB, rtol: 1e-5, atol: 1e-5));
        // Padding is zero.
        Assert.Equal(0, batch.Tensors[1, .., 80.., ..].abs().sum().item<float>());
        Assert.Equal(0, batch.Tensors[1, .., .., 64..].abs().sum().item<float>());
        Assert.Equal(0, batch.Tensors[0, .., 60.., ..].abs().sum().item<float>());
        Assert.Equal(0, batch.Tensors[0, .., .., 100..].abs().sum().item<float>());
        Assert.NotEqual(0, batch.Tensors[0, .., 59, 99].abs().sum().item<float>());
    }

    [Fact]
    public void BilinearDownscaleAveragesAsAlignCornersFalse()
    {
        // Halving a 4x4 ramp with align_corners=false samples at the centre of each 2x2 cell: its mean.
        using var scope = NewDisposeScope();
        var options = FasterRcnnOptions.Torchvision with { MinSize = 2, MaxSize = 1000, ImageMean = new[] { 0f, 0f, 0f }, ImageStd = new[] { 1f, 1f, 1f } };
        var image = arange(16, dtype: ScalarType.Float32).view(1, 4, 4).expand(3, 4, 4).contiguous();
        var (batch, _) = new GeneralizedRcnnTransform(options).Apply(new[] { image });
        var got = batch.Tensors[0, 0, ..2, ..2].contiguous().data<float>().ToArray();
        Assert.Equal(new[] { 2.5f, 4.5f, 10.5f, 12.5f }, got);
    }

    [Fact]
    public void BoxesScaleWithTheImageAndComeBackInPostprocess()
    {
        using var scope = NewDisposeScope();
        var image = rand(3, 70, 56);
        var boxes = tensor(new[] { 1f, 2f, 30f, 60f, 10.5f, 0f, 56f, 70f }).view(2, 4);
        var target = new DetectionTarget(boxes, tensor(new long[] { 1, 2 }));
        var (batch, targets) = new GeneralizedRcnnTransform(Small).Apply(new[] { image }, new[] { target });
        // 70x56 -> 80x64: x by 64/56, y by 80/70.
        float rx = 64f / 56, ry = 80f / 70;
        var expected = tensor(new[] { 1 * rx, 2 * ry, 30 * rx, 60 * ry, 10.5f * rx, 0, 56 * rx, 70 * ry }).view(2, 4);
        Assert.True(targets![0].Boxes.allclose(expected, rtol: 1e-6, atol: 1e-5));
        var back = GeneralizedRcnnTransform.Postprocess(new[] { new Detections(targets[0].Boxes, target.Labels, ones(2)) }, batch.ImageSizes, new[] { (70, 56) });
        Assert.True(back[0].Boxes.allclose(boxes, rtol: 1e-5, atol: 1e-4));
    }

    [Fact]
    public void RejectsImagesThatAreNotThreeChannelFloats()
    {
        var t = new GeneralizedRcnnTransform(Small);
        Assert.Throws<TextureBiasException>(() => t.Apply(new[] { zeros(1, 10, 10) }));
        Assert.Throws<TextureBiasException>(() => t.Apply(new[] { zeros(new long[] { 3, 10, 10 }, dtype: ScalarType.Byte) }));
    }
}
