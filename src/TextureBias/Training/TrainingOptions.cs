using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Training;

/// <summary>pytorch/examples' ImageNet training settings (its defaults).</summary>
public sealed record TrainingOptions
{
    /// <summary>Epochs in all.</summary>
    public int Epochs { get; init; } = 90;

    /// <summary>Images per optimiser step.</summary>
    public int Batch { get; init; } = 256;

    /// <summary>Initial learning rate (0.01 for VGG/AlexNet in pytorch/examples' README).</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Epochs at which the learning rate is multiplied by <see cref="LearningRateGamma"/> (StepLR(30) over 90 epochs).</summary>
    public IReadOnlyList<int> LearningRateSteps { get; init; } = new[] { 30, 60 };

    /// <summary>Factor of each step.</summary>
    public double LearningRateGamma { get; init; } = 0.1;

    /// <summary>Micro-batches per step (gradient accumulation, for BagNets' memory).</summary>
    public int Accumulate { get; init; } = 1;

    /// <summary>Training crop side (RandomResizedCrop) and evaluation crop (CenterCrop).</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Number of classes (outputs).</summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>Channels of the first stage of a ResNet or BagNet (64 is the papers'; smaller makes small networks).</summary>
    public int Width { get; init; } = Models.Architectures.StandardWidth;

    /// <summary>Residual blocks of each of the four stages of a ResNet or BagNet (null: the architecture's own).</summary>
    public IReadOnlyList<int>? Blocks { get; init; }

    /// <summary>
    /// Momentum of every batch norm's running statistics (null: the architecture's own; the
    /// BagNets' stem uses 0.001, made for 90 ImageNet epochs and far too slow for short runs).
    /// </summary>
    public double? BatchNormMomentum { get; init; }

    /// <summary>Smallest area fraction of RandomResizedCrop (torchvision's 0.08).</summary>
    public double MinCropScale { get; init; } = 0.08;

    /// <summary>Seed of shuffling, augmentation and dropout.</summary>
    public int Seed { get; init; }

    /// <summary>A class-subset file (one class folder per line) limiting the classes of training and validation data.</summary>
    public string? ClassSubset { get; init; }

    /// <summary>Weights to start from (fine-tuning).</summary>
    public string? Init { get; init; }

    /// <summary>
    /// Start afresh in an output folder that already holds a run: its files
    /// (<see cref="Trainer.RunFiles"/>) are deleted before training. Without this (or resume),
    /// such a folder is refused, so a finished run is never lost unasked.
    /// </summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Where the network trains (and validates): the CPU when null. The model, its optimiser state
    /// and every batch live there; checkpoints are written from the CPU and load on any device,
    /// so a run may be resumed on another device.
    /// </summary>
    public Device? Device { get; init; }

    /// <summary>
    /// Float32 (the default), or mixed precision (<c>--amp bf16|fp16</c>): the forward pass and
    /// the loss under LibTorch's autocast; the weights, gradients, optimiser state and checkpoints
    /// stay float32; fp16 scales the loss (<see cref="LossScaler"/>, its state checkpointed).
    /// Recorded in the checkpoint (<c>texturebias_amp</c>); a run may be resumed in another precision.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>The learning rate of an epoch (0-based).</summary>
    public double LearningRateAt(int epoch) => LearningRate * Math.Pow(LearningRateGamma, LearningRateSteps.Count(s => epoch >= s));
}
