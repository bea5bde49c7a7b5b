using static TorchSharp.torch;

namespace TextureBias.Detection.Training;

/// <summary>
/// The settings of <see cref="DetectionTrainer"/>; the defaults are torchvision's detection reference recipe
/// (torchvision 0.14 <c>references/detection/train.py</c> and <c>engine.py</c> for Faster R-CNN): 26 epochs,
/// SGD with momentum 0.9 and weight decay 1e-4, learning rate 0.02 for 16 images per step scaled to
/// <see cref="Batch"/>, a linear warm-up over the first iterations of epoch 0, ×0.1 at epochs 16 and 22,
/// aspect-ratio grouping with factor 3 and random horizontal flips.
/// </summary>
public sealed record DetectionTrainingOptions
{
    /// <summary>The detector's settings; <see cref="FasterRcnnOptions.Backbone"/>, <see cref="FasterRcnnOptions.BackboneWidth"/>
    /// and <see cref="FasterRcnnOptions.NumClasses"/> are replaced by those of the backbone file and the dataset.</summary>
    public FasterRcnnOptions Model { get; init; } = FasterRcnnOptions.Torchvision;

    /// <summary>Epochs (26).</summary>
    public int Epochs { get; init; } = 26;

    /// <summary>Images per step (2: torchvision's images per GPU; its recipe runs 8 GPUs for 16 images per step).</summary>
    public int Batch { get; init; } = 2;

    /// <summary>The base learning rate; null: 0.02 × <see cref="Batch"/> / 16 (torchvision's 0.02 for 16 images, scaled linearly).</summary>
    public double? LearningRate { get; init; }

    /// <summary>SGD momentum (0.9).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay on every parameter that trains (1e-4).</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Epochs (0-based, as MultiStepLR's milestones) from which the learning rate is multiplied by <see cref="LearningRateGamma"/> (16, 22).</summary>
    public IReadOnlyList<int> LearningRateSteps { get; init; } = new[] { 16, 22 };

    /// <summary>The factor at each of <see cref="LearningRateSteps"/> (0.1).</summary>
    public double LearningRateGamma { get; init; } = 0.1;

    /// <summary>Warm-up iterations in epoch 0 (1000; at most the epoch's steps − 1, as torchvision; 0: none).</summary>
    public int WarmupIterations { get; init; } = 1000;

    /// <summary>The warm-up's starting factor (1/1000).</summary>
    public double WarmupFactor { get; init; } = 1.0 / 1000;

    /// <summary>torchvision's <c>--aspect-ratio-group-factor</c> (3): images are batched with images of the same aspect-ratio bin; negative: no grouping.</summary>
    public int AspectRatioGroupFactor { get; init; } = 3;

    /// <summary>Probability of flipping an image (and its boxes) horizontally (0.5).</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Seed of the initialisation of the new layers, the data order, the flips and the RPN's and box head's sampling.</summary>
    public int Seed { get; init; }

    /// <summary>Image decoding threads (0: one per core).</summary>
    public int Workers { get; init; }

    /// <summary>Where the network trains (null: the CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>Delete a run already in the output folder and start afresh.</summary>
    public bool Overwrite { get; init; }

    /// <summary>The base learning rate in effect: <see cref="LearningRate"/> or 0.02 × <see cref="Batch"/> / 16.</summary>
    public double BaseLearningRate => LearningRate ?? 0.02 * Batch / 16;

    /// <summary>The warm-up iterations of a run with <paramref name="stepsPerEpoch"/> steps per epoch: min(<see cref="WarmupIterations"/>, steps − 1).</summary>
    public int WarmupIterationsFor(int stepsPerEpoch) => Math.Max(0, Math.Min(WarmupIterations, stepsPerEpoch - 1));

    /// <summary>
    /// The learning rate of step <paramref name="step"/> (0-based) of epoch <paramref name="epoch"/> (0-based):
    /// base × gamma^(milestones ≤ epoch), in epoch 0 times LinearLR's factor f + (1 − f)·min(step, W)/W.
    /// </summary>
    public double LearningRateAt(int epoch, int step, int stepsPerEpoch)
    {
        double lr = BaseLearningRate * Math.Pow(LearningRateGamma, LearningRateSteps.Count(m => m <= epoch));
        int warmup = WarmupIterationsFor(stepsPerEpoch);
        if (epoch == 0 && warmup > 0)
            lr *= WarmupFactor + (1 - WarmupFactor) * Math.Min(step, warmup) / warmup;
        return lr;
    }
}
