using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Models;

/// <summary>
/// The bottleneck block of ResNet-50 and BagNet: 1×1, k×k (with the stride), 1×1 to 4× the
/// width, plus the shortcut. torchvision's block uses k = 3 with padding 1; BagNet's uses
/// k ∈ {1, 3} with no padding, so its output is smaller than the shortcut, which is then cropped
/// at the bottom and right as the reference does (judging by the width). Field names are the
/// state_dict keys of both.
/// </summary>
internal sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;

    public Bottleneck(int inplanes, int planes, int stride, int kernelSize, int padding, bool downsampled) : base("Bottleneck")
    {
        conv1 = Conv2d(inplanes, planes, 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, kernelSize, stride: stride, padding: (long)padding, bias: false);
        bn2 = BatchNorm2d(planes);
        conv3 = Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = BatchNorm2d(planes * Expansion);
        if (downsampled)
            downsample = Sequential(Conv2d(inplanes, planes * Expansion, 1, stride: stride, bias: false), BatchNorm2d(planes * Expansion));
        RegisterComponents();
    }

    public void Profile(MacCount count, ref long h, ref long w)
    {
        long h0 = h, w0 = w;
        count.Conv(conv1, ref h, ref w);
        count.Conv(conv2, ref h, ref w);
        count.Conv(conv3, ref h, ref w);
        if (downsample != null) count.Conv((Conv2d)downsample.children().First(), ref h0, ref w0);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor o, residual;
        if (training || Nonlinearities.Traced)
        {
            o = Nonlinearities.Relu(bn1.Normalize(conv1.forward(x)));
            o = Nonlinearities.Relu(bn2.Normalize(conv2.forward(o)));
            o = bn3.Normalize(conv3.forward(o));
            residual = Shortcut is { } s ? s.Norm.Normalize(s.Conv.forward(x)) : x;
        }
        else
        {
            var a = EvalFusion.ConvBn(conv1, bn1, x, relu: true);
            var b = EvalFusion.ConvBn(conv2, bn2, a, relu: true);
            a.Dispose();
            o = EvalFusion.ConvBn(conv3, bn3, b);
            b.Dispose();
            residual = EvalFusion.Shortcut(downsample, x);
        }
        return Join(o, residual).MoveToOuterDisposeScope();
    }

    /// <summary>The convolution–batch-norm pairs: conv1/bn1, conv2/bn2, conv3/bn3.</summary>
    internal (Conv2d Conv, BatchNorm2d Norm)[] Layers => new[] { (conv1, bn1), (conv2, bn2), (conv3, bn3) };

    /// <summary>The shortcut's convolution and batch norm, or null for the identity.</summary>
    internal (Conv2d Conv, BatchNorm2d Norm)? Shortcut =>
        downsample is null ? null : ((Conv2d)downsample.children().First(), (BatchNorm2d)downsample.children().Last());

    /// <summary>Channels of the block's output.</summary>
    public long OutputChannels => conv3.out_channels;

    /// <summary>The stride of the block (of its k×k convolution and its shortcut).</summary>
    public int Stride => (int)conv2.stride[0];

    /// <summary>
    /// out + shortcut, then ReLU. The reference crops the shortcut's last <c>diff</c> rows and
    /// columns, judging by the width (the output of an unpadded k×k convolution is smaller).
    /// </summary>
    internal static Tensor Join(Tensor o, Tensor residual)
    {
        long diff = residual.shape[^1] - o.shape[^1];
        if (diff != 0)
            residual = residual.narrow(2, 0, residual.shape[2] - diff).narrow(3, 0, residual.shape[3] - diff);
        return Nonlinearities.Relu(Nonlinearities.Traced ? o.Plus(residual) : o.PlusInPlace(residual));
    }
}
