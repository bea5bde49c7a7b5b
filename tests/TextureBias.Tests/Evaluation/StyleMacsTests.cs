using TextureBias.Evaluation;
using TextureBias.Style;
using Xunit;

namespace TextureBias.Tests.Evaluation;

/// <summary>The multiply–accumulates bench lines count, against hand counts from the architectures' descriptions.</summary>
public class StyleMacsTests
{
    /// <summary>A 3×3 (or k×k) convolution at an output of h×w: h·w·out·in·k·k.</summary>
    private static long C(long h, long w, long cin, long cout, long k = 3) => h * w * cout * cin * k * k;

    [Fact]
    public void Encoder_and_decoder_of_a_16_pixel_image()
    {
        // Encoder to relu4_1: the 1×1 conv, 2 convs at 16, pool, 2 at 8, pool, 4 at 4, pool, 1 at 2 (reflection pads keep the size).
        long encoder = C(16, 16, 3, 3, 1) + C(16, 16, 3, 64) + C(16, 16, 64, 64)
            + C(8, 8, 64, 128) + C(8, 8, 128, 128)
            + C(4, 4, 128, 256) + 3 * C(4, 4, 256, 256)
            + C(2, 2, 256, 512);
        // Decoder: 1 conv at 2, up, 4 at 4, up, 2 at 8, up, 2 at 16.
        long decoder = C(2, 2, 512, 256)
            + 3 * C(4, 4, 256, 256) + C(4, 4, 256, 128)
            + C(8, 8, 128, 128) + C(8, 8, 128, 64)
            + C(16, 16, 64, 64) + C(16, 16, 64, 3);
        using var vgg = new VggEncoder();
        using var dec = new AdaInDecoder();
        long h = 16, w = 16;
        Assert.Equal(encoder, StyleMacs.Encoder(vgg, ref h, ref w));
        Assert.Equal((2L, 2L), (h, w));
        Assert.Equal(decoder, StyleMacs.Decoder(dec, ref h, ref w));
        Assert.Equal((16L, 16L), (h, w));
        Assert.Equal(encoder + decoder, StyleMacs.PerImage(vgg, dec, 16, 16));
    }

    [Fact]
    public void Odd_sides_round_the_pools_up_as_the_encoder_does()
    {
        // 15×20: pools (ceil mode) give 8×10, 4×5, 2×3; the decoder doubles 2×3 up to 16×24.
        long encoder = C(15, 20, 3, 3, 1) + C(15, 20, 3, 64) + C(15, 20, 64, 64)
            + C(8, 10, 64, 128) + C(8, 10, 128, 128)
            + C(4, 5, 128, 256) + 3 * C(4, 5, 256, 256)
            + C(2, 3, 256, 512);
        long decoder = C(2, 3, 512, 256)
            + 3 * C(4, 6, 256, 256) + C(4, 6, 256, 128)
            + C(8, 12, 128, 128) + C(8, 12, 128, 64)
            + C(16, 24, 64, 64) + C(16, 24, 64, 3);
        using var vgg = new VggEncoder();
        using var dec = new AdaInDecoder();
        Assert.Equal(encoder + decoder, StyleMacs.PerImage(vgg, dec, 15, 20));
        // The real encoder agrees on the feature size.
        using var x = TorchSharp.torch.rand(1, 3, 15, 20);
        using var noGrad = TorchSharp.torch.no_grad();
        using var features = vgg.forward(x);
        Assert.Equal(new long[] { 1, 512, 2, 3 }, features.shape);
    }

    [Fact]
    public void Forward_line_counts_the_models_multiply_accumulates()
    {
        // AlexNet at 67 px: conv1 11×11/4 pad 2 → 16, pool → 7, conv2 5×5 pad 2 at 7, pool → 3,
        // conv3–5 at 3, pool → 1, average-pooled to 6×6 for the classifier: 9216 → 4096 → 4096 → 1000.
        long hand = C(16, 16, 3, 64, 11) + C(7, 7, 64, 192, 5) + C(3, 3, 192, 384) + C(3, 3, 384, 256) + C(3, 3, 256, 256)
            + 9216L * 4096 + 4096L * 4096 + 4096L * 1000;
        var line = ForwardBenchmark.Run("alexnet", batch: 1, size: 67, runs: 1, warmup: 0);
        Assert.Equal(hand / 1e9, line.GmacsPerImage, 12);
        Assert.Equal("forward", line.Bench);
        Assert.NotNull(line.Gflops);
        Assert.Equal(2 * hand * line.ImagesPerS / 1e9, line.Gflops!.Value, 0.006);
    }
}
