using TextureBias.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's ResNet Bottleneck with <see cref="FrozenBatchNorm2d"/> (as <c>resnet_fpn_backbone</c> builds it):
/// 1×1, 3×3 with the stride, 1×1 to 4× the width, plus the shortcut. Fields are the state_dict keys.
/// </summary>
internal sealed class DetectionBottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly FrozenBatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly FrozenBatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly FrozenBatchNorm2d bn3;
    private readonly Sequential? downsample;

    public DetectionBottleneck(int inplanes, int planes, int stride, bool downsampled, double eps) : base("Bottleneck")
    {
        conv1 = Conv2d(inplanes, planes, 1, bias: false);
        bn1 = new FrozenBatchNorm2d(planes, eps);
        conv2 = Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = new FrozenBatchNorm2d(planes, eps);
        conv3 = Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = new FrozenBatchNorm2d(planes * Expansion, eps);
        if (downsampled)
            downsample = Sequential(Conv2d(inplanes, planes * Expansion, 1, stride: stride, bias: false), new FrozenBatchNorm2d(planes * Expansion, eps));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var o = functional.relu(bn1.forward(conv1.forward(x)));
        o = functional.relu(bn2.forward(conv2.forward(o)));
        o = bn3.forward(conv3.forward(o));
        var identity = downsample is null ? x : downsample.forward(x);
        return functional.relu(o.Plus(identity)).MoveToOuterDisposeScope();
    }
}
