using System.Text.Json.Serialization;
using TextureBias.Models;

namespace TextureBias.Style;

/// <summary>
/// Settings of AdaIN decoder training, with pytorch-AdaIN's <c>train.py</c> defaults: Adam over
/// the decoder (lr 1e-4, decayed as lr/(1 + 5e-5·i) every iteration), 160,000 iterations of 8
/// content and 8 style images, content weight 1, style weight 10, images resized to 512×512
/// (square, aspect not kept) and randomly cropped to 256, a checkpoint every 10,000 iterations.
/// </summary>
public sealed record DecoderTrainingOptions
{
    /// <summary>Learning rate at iteration 0.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Decay: lr_i = lr / (1 + decay · i).</summary>
    public double LearningRateDecay { get; init; } = 5e-5;

    /// <summary>Iterations in all.</summary>
    public int MaxIterations { get; init; } = 160_000;

    /// <summary>Content (and style) images per iteration.</summary>
    public int Batch { get; init; } = 8;

    /// <summary>Weight of the content loss.</summary>
    public double ContentWeight { get; init; } = 1.0;

    /// <summary>Weight of the style loss.</summary>
    public double StyleWeight { get; init; } = 10.0;

    /// <summary>Images are resized to this square before cropping.</summary>
    public int ResizeTo { get; init; } = 512;

    /// <summary>Side of the random crop.</summary>
    public int Crop { get; init; } = 256;

    /// <summary>Iterations between checkpoints.</summary>
    public int CheckpointInterval { get; init; } = 10_000;

    /// <summary>Iterations between lines of the loss log.</summary>
    public int LogInterval { get; init; } = 100;

    /// <summary>Weights to start from (e.g. the released decoder.pth); null: PyTorch's default initialisation.</summary>
    public string? InitialDecoder { get; init; }

    /// <summary>Seed of the image order and crops (training is reproducible and resumes exactly).</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The arithmetic of the networks' forward passes: float32 (pytorch-AdaIN's), or mixed
    /// precision (<c>--amp bf16|fp16</c>: autocast; fp16 scales the loss, <see cref="Training.LossScaler"/>).
    /// </summary>
    [JsonConverter(typeof(JsonStringEnumConverter<Precision>))]
    public Precision Precision { get; init; }
}
