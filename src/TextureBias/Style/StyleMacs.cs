using TextureBias.Models;
using TorchSharp.Modules;

namespace TextureBias.Style;

/// <summary>
/// Multiply–accumulates of the style networks, counted on paper from their layers (for
/// benchmarks' GFLOP/s): per convolution out_h·out_w·out_c·in_c·k·k, the feature-map size
/// followed through the reflection pads (+2), ceil-mode max-pools and ×2 upsamplings.
/// </summary>
internal static class StyleMacs
{
    /// <summary>The encoder's MACs on an h×w image through modules 0..<paramref name="last"/>; h and w become that module's output size.</summary>
    public static long Encoder(VggEncoder encoder, ref long h, ref long w, int last = VggEncoder.AdaInLast)
    {
        var count = new MacCount();
        int index = 0;
        foreach (var module in encoder.children())
        {
            if (index++ > last) break;
            Walk(module, count, ref h, ref w);
        }
        return count.Macs;
    }

    /// <summary>The decoder's MACs on features of h×w; h and w become the output image's size.</summary>
    public static long Decoder(AdaInDecoder decoder, ref long h, ref long w)
    {
        var count = new MacCount();
        foreach (var module in decoder.children()) Walk(module, count, ref h, ref w);
        return count.Macs;
    }

    /// <summary>One stylised image of <paramref name="height"/>×<paramref name="width"/>: the encoder to relu4_1 on the content, then the decoder (the style's encoding is not counted: a job encodes each style once).</summary>
    public static long PerImage(VggEncoder encoder, AdaInDecoder decoder, int height, int width)
    {
        long h = height, w = width;
        long macs = Encoder(encoder, ref h, ref w);
        return macs + Decoder(decoder, ref h, ref w);
    }

    private static void Walk(TorchSharp.torch.nn.Module module, MacCount count, ref long h, ref long w)
    {
        switch (module)
        {
            case Conv2d conv:
                count.Conv(conv, ref h, ref w);
                break;
            case ReflectionPad2d: // both networks pad by 1 before each 3×3 convolution
                h += 2;
                w += 2;
                break;
            case MaxPool2d:
                MacCount.Pool(2, 2, 0, ref h, ref w, ceilMode: true);
                break;
            case Upsample:
                h *= 2;
                w *= 2;
                break;
        }
    }
}
