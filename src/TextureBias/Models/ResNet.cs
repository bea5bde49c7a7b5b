using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Models;

/// <summary>
/// torchvision's ResNet (He et al. 2016, with the stride in the 3×3 convolution of the
/// bottleneck, "ResNet v1.5"), with torchvision's state_dict keys and initialisation.
/// </summary>
public sealed class ResNet : ImageClassifier
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear fc;

    /// <summary>ResNet-18: basic blocks [2,2,2,2].</summary>
    public static ResNet ResNet18(int numClasses = 1000, int width = 64) => new("resnet18", false, new[] { 2, 2, 2, 2 }, numClasses, width);

    /// <summary>ResNet-50: bottleneck blocks [3,4,6,3].</summary>
    public static ResNet ResNet50(int numClasses = 1000, int width = 64) => new("resnet50", true, new[] { 3, 4, 6, 3 }, numClasses, width);

    /// <summary>ResNet-101: bottleneck blocks [3,4,23,3].</summary>
    public static ResNet ResNet101(int numClasses = 1000, int width = 64) => new("resnet101", true, new[] { 3, 4, 23, 3 }, numClasses, width);

    /// <summary>ResNet-152: bottleneck blocks [3,8,36,3].</summary>
    public static ResNet ResNet152(int numClasses = 1000, int width = 64) => new("resnet152", true, new[] { 3, 8, 36, 3 }, numClasses, width);

    /// <summary>The standard blocks per stage of the named ResNet (resnet18, 50, 101, 152), or null for another name.</summary>
    internal static int[]? StandardBlocks(string name) => name switch
    {
        "resnet18" => new[] { 2, 2, 2, 2 },
        "resnet50" => new[] { 3, 4, 6, 3 },
        "resnet101" => new[] { 3, 4, 23, 3 },
        "resnet152" => new[] { 3, 8, 36, 3 },
        _ => null,
    };

    /// <summary>Builds a ResNet; <paramref name="width"/> is the stem width (64 in torchvision).</summary>
    public ResNet(string name, bool bottleneck, int[] layers, int numClasses = 1000, int width = 64) : base(name, numClasses)
    {
        int expansion = bottleneck ? 4 : 1;
        conv1 = Conv2d(3, width, 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(width);
        maxpool = MaxPool2d(3, stride: 2, padding: 1);
        int inplanes = width;
        Sequential MakeLayer(int planes, int blocks, int stride)
        {
            var seq = Sequential();
            for (int i = 0; i < blocks; i++)
            {
                int s = i == 0 ? stride : 1;
                bool down = i == 0 && (stride != 1 || inplanes != planes * expansion);
                seq.append(bottleneck
                    ? new Bottleneck(inplanes, planes, s, kernelSize: 3, padding: 1, down)
                    : new ResNetBasicBlock(inplanes, planes, s, down));
                inplanes = planes * expansion;
            }
            return seq;
        }
        layer1 = MakeLayer(width, layers[0], 1);
        layer2 = MakeLayer(width * 2, layers[1], 2);
        layer3 = MakeLayer(width * 4, layers[2], 2);
        layer4 = MakeLayer(width * 8, layers[3], 2);
        avgpool = AdaptiveAvgPool2d(1);
        fc = Linear(width * 8 * expansion, numClasses);
        RegisterComponents();

        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
        {
            if (m is Conv2d c) init.kaiming_normal_(c.weight!, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
            else if (m is BatchNorm2d bn) { bn.weight!.fill_(SafeScalars.One); bn.bias!.zero_(); }
        }
    }

    /// <inheritdoc />
    public override int MinimumInputSize => 1;

    /// <inheritdoc />
    internal override MacCount Profile(int height, int width)
    {
        long h = height, w = width;
        var count = new MacCount();
        count.Conv(conv1, ref h, ref w);
        MacCount.Pool(3, 2, 1, ref h, ref w);
        foreach (var layer in new[] { layer1, layer2, layer3, layer4 })
            foreach (var block in layer.children())
                if (block is Bottleneck b) b.Profile(count, ref h, ref w);
                else ((ResNetBasicBlock)block).Profile(count, ref h, ref w);
        count.Linear(fc);
        return count;
    }

    /// <inheritdoc />
    protected override Tensor ForwardBatch(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (training || Nonlinearities.Traced)
        {
            x = Nonlinearities.Relu(bn1.Normalize(conv1.forward(x)));
            x = Nonlinearities.MaxPool(maxpool, x);
            x = layer4.forward(layer3.forward(layer2.forward(layer1.forward(x))));
        }
        else
        {
            // Inference: channels-last (oneDNN's fast layout), batch norms folded into the
            // convolutions, intermediates freed early.
            var stem = EvalFusion.ConvBn(conv1, bn1, EvalFusion.ChannelsLast(x), relu: true);
            x = maxpool.forward(stem);
            stem.Dispose();
            foreach (var layer in new[] { layer1, layer2, layer3, layer4 })
                foreach (var block in layer.children().Cast<nn.Module<Tensor, Tensor>>())
                {
                    var next = block.forward(x);
                    x.Dispose();
                    x = next;
                }
        }
        x = avgpool.forward(x).flatten(1);
        return (training || Nonlinearities.Traced ? fc.forward(x) : EvalFusion.OrderedLinear(fc, x)).MoveToOuterDisposeScope();
    }
}

/// <summary>torchvision's BasicBlock: two 3×3 convolutions.</summary>
internal sealed class ResNetBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public ResNetBasicBlock(int inplanes, int planes, int stride, bool downsampled) : base("BasicBlock")
    {
        conv1 = Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (downsampled) downsample = Sequential(Conv2d(inplanes, planes, 1, stride: stride, bias: false), BatchNorm2d(planes));
        RegisterComponents();
    }

    public void Profile(MacCount count, ref long h, ref long w)
    {
        long h0 = h, w0 = w;
        count.Conv(conv1, ref h, ref w);
        count.Conv(conv2, ref h, ref w);
        if (downsample != null) count.Conv((Conv2d)downsample.children().First(), ref h0, ref w0);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor o, identity;
        if (training || Nonlinearities.Traced)
        {
            o = Nonlinearities.Relu(bn1.Normalize(conv1.forward(x)));
            o = bn2.Normalize(conv2.forward(o));
            identity = downsample is null ? x : ((BatchNorm2d)downsample.children().Last()).Normalize(((Conv2d)downsample.children().First()).forward(x));
        }
        else
        {
            var a = EvalFusion.ConvBn(conv1, bn1, x, relu: true);
            o = EvalFusion.ConvBn(conv2, bn2, a);
            a.Dispose();
            identity = EvalFusion.Shortcut(downsample, x);
        }
        return Nonlinearities.Relu(Nonlinearities.Traced ? o.Plus(identity) : o.PlusInPlace(identity)).MoveToOuterDisposeScope();
    }
}
