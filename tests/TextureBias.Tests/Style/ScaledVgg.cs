using TextureBias.Style;
using static TorchSharp.torch;

namespace TextureBias.Tests.Style;

/// <summary>
/// A VGG-19 encoder with random weights on the scale of the real vgg_normalised.pth: the first
/// 1×1 convolution maps [0,1] RGB to mean-free 0–255 values (as the Caffe conversion does) and the
/// 3×3 convolutions are He-initialised, so features keep their size through all layers (PyTorch's
/// default initialisation lets them vanish, and with them every loss).
/// </summary>
internal static class ScaledVgg
{
    public static VggEncoder Create(int seed = 3)
    {
        var generator = new Generator((ulong)seed);
        var encoder = new VggEncoder();
        using (no_grad())
            foreach (var (_, m) in encoder.named_modules())
                if (m is TorchSharp.Modules.Conv2d c)
                {
                    if (c.kernel_size[0] == 1)
                    {
                        c.weight!.copy_(eye(3).mul(tensor(255f)).view(3, 3, 1, 1));
                        c.bias!.copy_(tensor(new[] { -124f, -117f, -104f }));
                    }
                    else
                    {
                        double fanIn = c.in_channels * 9;
                        c.weight!.copy_(randn(c.weight.shape, generator: generator).mul(tensor((float)Math.Sqrt(2 / fanIn))));
                        c.bias!.zero_();
                    }
                }
        encoder.eval();
        return encoder;
    }
}
