using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Models;

/// <summary>
/// torchvision's AlexNet ("one weird trick" variant, Krizhevsky 2014): five convolutions in
/// <c>features</c> (11×11 stride 4, 5×5, three 3×3; 3×3 stride-2 max-pools after the first,
/// second and fifth), an adaptive 6×6 average pool and the dropout–linear <c>classifier</c>,
/// with torchvision's keys (<c>features.0.weight</c> … <c>features.10.bias</c>,
/// <c>classifier.1</c>, <c>classifier.4</c>, <c>classifier.6</c>). The Stylized-ImageNet AlexNet
/// (<c>alexnet_trained_on_SIN</c>) has this architecture.
/// </summary>
public sealed class AlexNet : ImageClassifier
{
    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    /// <summary>Builds AlexNet with torchvision's (PyTorch's default) initialisation.</summary>
    public AlexNet(int numClasses = 1000) : base("alexnet", numClasses)
    {
        features = Sequential(
            Conv2d(3, 64, 11, stride: 4, padding: 2), ReLU(inplace: true), MaxPool2d(3, stride: 2),
            Conv2d(64, 192, 5, padding: 2), ReLU(inplace: true), MaxPool2d(3, stride: 2),
            Conv2d(192, 384, 3, padding: 1), ReLU(inplace: true),
            Conv2d(384, 256, 3, padding: 1), ReLU(inplace: true),
            Conv2d(256, 256, 3, padding: 1), ReLU(inplace: true), MaxPool2d(3, stride: 2));
        avgpool = AdaptiveAvgPool2d(new long[] { 6, 6 });
        classifier = Sequential(
            Dropout(0.5), Linear(256 * 6 * 6, 4096), ReLU(inplace: true),
            Dropout(0.5), Linear(4096, 4096), ReLU(inplace: true),
            Linear(4096, numClasses));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int MinimumInputSize => 63;

    /// <inheritdoc />
    internal override MacCount Profile(int height, int width) => MacCount.Plain(features, classifier, 3, 2, height, width);

    /// <inheritdoc />
    protected override Tensor ForwardBatch(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (Nonlinearities.Traced)
            return Nonlinearities.Sequential(classifier, avgpool.forward(Nonlinearities.Sequential(features, x)).flatten(1)).MoveToOuterDisposeScope();
        x = avgpool.forward(features.forward(x)).flatten(1);
        return (training ? classifier.forward(x) : EvalFusion.OrderedSequential(classifier, x)).MoveToOuterDisposeScope();
    }
}
