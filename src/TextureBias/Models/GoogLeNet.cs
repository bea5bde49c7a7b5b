using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Models;

/// <summary>
/// torchvision's GoogLeNet (Inception v1, Szegedy et al. 2015) as its published weights
/// (<c>googlenet-1378be20.pth</c>, ported from TensorFlow) use it: <c>conv1</c> 7×7/2, max-pool,
/// <c>conv2</c> 1×1, <c>conv3</c> 3×3, max-pool, <c>inception3a</c>–<c>3b</c>, max-pool,
/// <c>inception4a</c>–<c>4e</c>, max-pool, <c>inception5a</c>–<c>5b</c>, global average pool,
/// dropout 0.2 and <c>fc</c>; every convolution is a BasicConv2d (convolution without bias, batch
/// norm with eps 0.001, ReLU), every max-pool rounds up (ceil mode). The auxiliary classifiers
/// only train; like torchvision after loading the published weights, this network has none, and
/// <see cref="DropAuxiliaryKeys"/> drops their keys from a file. With <see cref="TransformInput"/>
/// (torchvision sets it for the published weights) the ImageNet-normalised input is first mapped
/// to the (x − 0.5)/0.5 scaling the ported weights expect.
/// </summary>
public sealed class GoogLeNet : ImageClassifier
{
    private readonly BasicConv2d conv1;
    private readonly MaxPool2d maxpool1;
    private readonly BasicConv2d conv2;
    private readonly BasicConv2d conv3;
    private readonly MaxPool2d maxpool2;
    private readonly Inception inception3a;
    private readonly Inception inception3b;
    private readonly MaxPool2d maxpool3;
    private readonly Inception inception4a;
    private readonly Inception inception4b;
    private readonly Inception inception4c;
    private readonly Inception inception4d;
    private readonly Inception inception4e;
    private readonly MaxPool2d maxpool4;
    private readonly Inception inception5a;
    private readonly Inception inception5b;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Dropout dropout;
    private readonly Linear fc;

    /// <summary>Builds GoogLeNet with torchvision's initialisation (truncated normal, σ 0.01).</summary>
    /// <param name="numClasses">Outputs.</param>
    /// <param name="transformInput">torchvision's <c>transform_input</c>: true for the published weights (and by default here), false for torchvision's <c>googlenet()</c> without weights.</param>
    public GoogLeNet(int numClasses = 1000, bool transformInput = true) : base("googlenet", numClasses)
    {
        TransformInput = transformInput;
        conv1 = new BasicConv2d(3, 64, 7, stride: 2, padding: 3);
        maxpool1 = MaxPool2d(3, stride: 2, ceil_mode: true);
        conv2 = new BasicConv2d(64, 64, 1);
        conv3 = new BasicConv2d(64, 192, 3, padding: 1);
        maxpool2 = MaxPool2d(3, stride: 2, ceil_mode: true);
        inception3a = new Inception(192, 64, 96, 128, 16, 32, 32);
        inception3b = new Inception(256, 128, 128, 192, 32, 96, 64);
        maxpool3 = MaxPool2d(3, stride: 2, ceil_mode: true);
        inception4a = new Inception(480, 192, 96, 208, 16, 48, 64);
        inception4b = new Inception(512, 160, 112, 224, 24, 64, 64);
        inception4c = new Inception(512, 128, 128, 256, 24, 64, 64);
        inception4d = new Inception(512, 112, 144, 288, 32, 64, 64);
        inception4e = new Inception(528, 256, 160, 320, 32, 128, 128);
        maxpool4 = MaxPool2d(2, stride: 2, ceil_mode: true);
        inception5a = new Inception(832, 256, 160, 320, 32, 128, 128);
        inception5b = new Inception(832, 384, 192, 384, 48, 128, 128);
        avgpool = AdaptiveAvgPool2d(new long[] { 1, 1 });
        dropout = Dropout(0.2);
        fc = Linear(1024, numClasses);
        RegisterComponents();

        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
        {
            if (m is Conv2d c) TruncatedNormal.Fill(c.weight!, 0, 0.01, -2, 2);
            else if (m is Linear l) TruncatedNormal.Fill(l.weight!, 0, 0.01, -2, 2);
            else if (m is BatchNorm2d bn) { bn.weight!.fill_(SafeScalars.One); bn.bias!.zero_(); }
        }
    }

    /// <summary>
    /// torchvision's <c>transform_input</c>: channel c of the (ImageNet-normalised) input becomes
    /// x·(std_c/0.5) + (mean_c − 0.5)/0.5 before the first convolution.
    /// </summary>
    public bool TransformInput { get; set; }

    /// <summary>torchvision's published minimum (15×15): the ceil-mode pools leave one pixel.</summary>
    public override int MinimumInputSize => 15;

    private IEnumerable<Inception> Stage(int stage) => stage switch
    {
        3 => new[] { inception3a, inception3b },
        4 => new[] { inception4a, inception4b, inception4c, inception4d, inception4e },
        _ => new[] { inception5a, inception5b },
    };

    /// <inheritdoc />
    internal override MacCount Profile(int height, int width)
    {
        long h = height, w = width;
        var count = new MacCount();
        conv1.Profile(count, ref h, ref w);
        MacCount.Pool(3, 2, 0, ref h, ref w, ceilMode: true);
        conv2.Profile(count, ref h, ref w);
        conv3.Profile(count, ref h, ref w);
        MacCount.Pool(3, 2, 0, ref h, ref w, ceilMode: true);
        foreach (var block in Stage(3)) block.Profile(count, h, w);
        MacCount.Pool(3, 2, 0, ref h, ref w, ceilMode: true);
        foreach (var block in Stage(4)) block.Profile(count, h, w);
        MacCount.Pool(2, 2, 0, ref h, ref w, ceilMode: true);
        foreach (var block in Stage(5)) block.Profile(count, h, w);
        count.Linear(fc);
        return count;
    }

    /// <inheritdoc />
    protected override Tensor ForwardBatch(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (TransformInput) x = Transformed(x);
        x = Nonlinearities.MaxPool(maxpool1, conv1.forward(x));
        x = Nonlinearities.MaxPool(maxpool2, conv3.forward(conv2.forward(x)));
        foreach (var block in Stage(3)) x = Step(block, x);
        x = Nonlinearities.MaxPool(maxpool3, x);
        foreach (var block in Stage(4)) x = Step(block, x);
        x = Nonlinearities.MaxPool(maxpool4, x);
        foreach (var block in Stage(5)) x = Step(block, x);
        x = dropout.forward(avgpool.forward(x).flatten(1));
        return (training || Nonlinearities.Traced ? fc.forward(x) : EvalFusion.OrderedLinear(fc, x)).MoveToOuterDisposeScope();
    }

    /// <summary>block(x), freeing x at once in inference (in training autograd keeps it).</summary>
    private Tensor Step(Inception block, Tensor x)
    {
        var y = block.forward(x);
        if (!training && !Nonlinearities.Traced) x.Dispose();
        return y;
    }

    /// <summary>torchvision's <c>_transform_input</c>, with its operations in its order.</summary>
    private static Tensor Transformed(Tensor x)
    {
        double[] mean = { 0.485, 0.456, 0.406 }, std = { 0.229, 0.224, 0.225 };
        var channels = new Tensor[3];
        for (int c = 0; c < 3; c++)
        {
            using var scale = (std[c] / 0.5).ToScalar();
            using var shift = ((mean[c] - 0.5) / 0.5).ToScalar();
            channels[c] = x.select(1, c).unsqueeze(1).mul(scale).add(shift, SafeScalars.One); // an explicit alpha: the implicit 1 is a Scalar the GC may free mid-call
        }
        return cat(channels, 1);
    }

    /// <summary>
    /// The state_dict without the auxiliary classifiers' keys (<c>aux1.…</c>, <c>aux2.…</c>), which
    /// the published file and torchvision's <c>googlenet()</c> hold but inference never uses; the
    /// input itself when it has none.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> DropAuxiliaryKeys(IReadOnlyDictionary<string, Tensor> stateDict) =>
        stateDict.Keys.Any(IsAuxiliary) ? stateDict.Where(kv => !IsAuxiliary(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value) : stateDict;

    private static bool IsAuxiliary(string key) => key.StartsWith("aux1.", StringComparison.Ordinal) || key.StartsWith("aux2.", StringComparison.Ordinal);
}

/// <summary>torchvision's GoogLeNet <c>BasicConv2d</c>: convolution without bias, batch norm (eps 0.001), ReLU.</summary>
internal sealed class BasicConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    public BasicConv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0) : base("BasicConv2d")
    {
        conv = Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: (long)padding, bias: false);
        bn = BatchNorm2d(outChannels, eps: 0.001);
        RegisterComponents();
    }

    public void Profile(MacCount count, ref long h, ref long w) => count.Conv(conv, ref h, ref w);

    public override Tensor forward(Tensor x)
    {
        var y = training || Nonlinearities.Traced ? bn.forward(conv.forward(x)) : EvalFusion.ConvBn(conv, bn, x);
        return Nonlinearities.Relu(y);
    }
}

/// <summary>
/// torchvision's GoogLeNet <c>Inception</c> block: branch1 1×1; branch2 1×1 → 3×3; branch3 1×1 →
/// 3×3 (3×3 where the paper has 5×5, as torchvision's port); branch4 3×3/1 max-pool → 1×1;
/// concatenated along the channels.
/// </summary>
internal sealed class Inception : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1;
    private readonly Sequential branch2;
    private readonly Sequential branch3;
    private readonly Sequential branch4;

    public Inception(int inChannels, int ch1x1, int ch3x3red, int ch3x3, int ch5x5red, int ch5x5, int poolProj) : base("Inception")
    {
        branch1 = new BasicConv2d(inChannels, ch1x1, 1);
        branch2 = Sequential(new BasicConv2d(inChannels, ch3x3red, 1), new BasicConv2d(ch3x3red, ch3x3, 3, padding: 1));
        branch3 = Sequential(new BasicConv2d(inChannels, ch5x5red, 1), new BasicConv2d(ch5x5red, ch5x5, 3, padding: 1));
        branch4 = Sequential(MaxPool2d(3, stride: 1, padding: 1, ceil_mode: true), new BasicConv2d(inChannels, poolProj, 1));
        RegisterComponents();
        OutputChannels = ch1x1 + ch3x3 + ch5x5 + poolProj;
    }

    /// <summary>Channels of the concatenated output.</summary>
    public long OutputChannels { get; }

    /// <summary>Every branch keeps the input's size, so each convolution is counted at h×w.</summary>
    public void Profile(MacCount count, long h, long w)
    {
        foreach (var conv in new[] { branch1 }.Concat(new[] { branch2, branch3, branch4 }.SelectMany(b => b.children().OfType<BasicConv2d>())))
        {
            long h1 = h, w1 = w;
            conv.Profile(count, ref h1, ref w1);
        }
        count.Activation(OutputChannels * h * w);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var outputs = new[] { branch1.forward(x), branch2.forward(x), branch3.forward(x), Nonlinearities.Sequential(branch4, x) };
        return cat(outputs, 1).MoveToOuterDisposeScope();
    }
}
