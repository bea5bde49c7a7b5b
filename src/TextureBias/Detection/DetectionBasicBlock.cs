using TextureBias.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's ResNet BasicBlock (resnet18/34) with <see cref="FrozenBatchNorm2d"/>: two 3×3
/// convolutions plus the shortcut. Fields are the state_dict keys.
/// </summary>
internal sealed class DetectionBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly FrozenBatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly FrozenBatchNorm2d bn2;
    private readonly Sequential? downsample;

    public DetectionBasicBlock(int inplanes, int planes, int stride, bool downsampled, double eps) : base("BasicBlock")
    {
        conv1 = Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = new FrozenBatchNorm2d(planes, eps);
        conv2 = Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        bn2 = new FrozenBatchNorm2d(planes, eps);
        if (downsampled) downsample = Sequential(Conv2d(inplanes, planes, 1, stride: stride, bias: false), new FrozenBatchNorm2d(planes, eps));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var o = functional.relu(bn1.forward(conv1.forward(x)));
        o = bn2.forward(conv2.forward(o));
        var identity = downsample is null ? x : downsample.forward(x);
        return functional.relu(o.Plus(identity)).MoveToOuterDisposeScope();
    }
}
