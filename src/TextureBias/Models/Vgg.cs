using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Models;

/// <summary>
/// torchvision's VGG (Simonyan &amp; Zisserman 2015): <c>features</c> (3×3 convolutions with
/// padding 1, each followed by a batch norm in the <c>_bn</c> variants, ReLU, 2×2 max-pools), an
/// adaptive 7×7 average pool and the three-layer <c>classifier</c>, with torchvision's keys
/// (<c>features.0.weight</c>, ..., <c>classifier.6.bias</c>; with batch norm every convolution
/// takes three indices, conv, bn, relu, so <c>features.1</c> is the first batch norm) and
/// initialisation.
/// </summary>
public sealed class Vgg : ImageClassifier
{
    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    /// <summary>Configuration "D" (13 convolutions).</summary>
    private static readonly int[] ConfigD = { 64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0 };

    /// <summary>Configuration "E" (16 convolutions).</summary>
    private static readonly int[] ConfigE = { 64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0 };

    /// <summary>Configuration "D": VGG-16.</summary>
    public static Vgg Vgg16(int numClasses = 1000, int widthDivisor = 1) => new("vgg16", ConfigD, numClasses, widthDivisor);

    /// <summary>Configuration "E": VGG-19.</summary>
    public static Vgg Vgg19(int numClasses = 1000, int widthDivisor = 1) => new("vgg19", ConfigE, numClasses, widthDivisor);

    /// <summary>VGG-16 with batch norm (torchvision's <c>vgg16_bn</c>).</summary>
    public static Vgg Vgg16BN(int numClasses = 1000, int widthDivisor = 1) => new("vgg16_bn", ConfigD, numClasses, widthDivisor, batchNorm: true);

    /// <summary>VGG-19 with batch norm (torchvision's <c>vgg19_bn</c>).</summary>
    public static Vgg Vgg19BN(int numClasses = 1000, int widthDivisor = 1) => new("vgg19_bn", ConfigE, numClasses, widthDivisor, batchNorm: true);

    /// <summary>
    /// Builds a VGG from a configuration (channel counts, 0 for a max-pool).
    /// <paramref name="widthDivisor"/> divides every width (1 for the real network);
    /// <paramref name="batchNorm"/> puts a batch norm after each convolution.
    /// </summary>
    public Vgg(string name, int[] config, int numClasses = 1000, int widthDivisor = 1, bool batchNorm = false) : base(name, numClasses)
    {
        features = Sequential();
        int channels = 3;
        foreach (var v in config)
        {
            if (v == 0) features.append(MaxPool2d(2, stride: 2));
            else
            {
                int outChannels = v / widthDivisor;
                features.append(Conv2d(channels, outChannels, 3, padding: 1));
                if (batchNorm) features.append(BatchNorm2d(outChannels));
                features.append(ReLU(inplace: true));
                channels = outChannels;
            }
        }
        avgpool = AdaptiveAvgPool2d(new long[] { 7, 7 });
        int hidden = 4096 / widthDivisor;
        classifier = Sequential(
            Linear(channels * 7 * 7, hidden), ReLU(inplace: true), Dropout(0.5),
            Linear(hidden, hidden), ReLU(inplace: true), Dropout(0.5),
            Linear(hidden, numClasses));
        RegisterComponents();

        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
        {
            if (m is Conv2d c)
            {
                init.kaiming_normal_(c.weight!, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                c.bias!.zero_();
            }
            else if (m is BatchNorm2d bn)
            {
                bn.weight!.fill_(SafeScalars.One);
                bn.bias!.zero_();
            }
            else if (m is Linear l)
            {
                l.weight!.normal_(0, 0.01);
                l.bias!.zero_();
            }
        }
    }

    /// <inheritdoc />
    public override int MinimumInputSize => 32;

    /// <summary>torchvision's VGG initialisation of linear layers: N(0, 0.01), bias 0.</summary>
    protected override void InitLinear(Linear linear, Generator generator)
    {
        linear.weight!.normal_(0, 0.01, generator);
        linear.bias?.zero_();
    }

    /// <inheritdoc />
    internal override MacCount Profile(int height, int width) => MacCount.Plain(features, classifier, 2, 2, height, width);

    /// <inheritdoc />
    protected override Tensor ForwardBatch(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (Nonlinearities.Traced) x = Nonlinearities.Sequential(features, x);
        else if (training) x = features.forward(x);
        else
        {
            // Inference: channels-last (oneDNN's fast layout on the CPU); free each large feature
            // map as soon as the next one exists.
            var h = EvalFusion.ChannelsLast(x);
            foreach (var layer in features.children().Cast<nn.Module<Tensor, Tensor>>())
            {
                var next = layer.forward(h);
                if (!ReferenceEquals(next, h) && !ReferenceEquals(h, x)) h.Dispose();
                h = next;
            }
            x = h;
        }
        x = avgpool.forward(x).flatten(1);
        return (Nonlinearities.Traced ? Nonlinearities.Sequential(classifier, x) : training ? classifier.forward(x) : EvalFusion.OrderedSequential(classifier, x)).MoveToOuterDisposeScope();
    }
}
