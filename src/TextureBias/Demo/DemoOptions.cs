namespace TextureBias.Demo;

/// <summary>
/// Settings of the demo: the size of the texture–shape world and of the networks, and how long
/// they train. <see cref="Full"/> takes some minutes on a 2-core CPU, <see cref="Quick"/> about one.
/// </summary>
public sealed record DemoOptions
{
    /// <summary>The standard run.</summary>
    public static DemoOptions Full { get; } = new();

    /// <summary>A smaller, shorter run with the same stages (<c>--quick</c>).</summary>
    public static DemoOptions Quick { get; } = new()
    {
        Name = "quick", TrainPerClass = 160, TestPerClass = 25, Epochs = 8, LearningRateSteps = new[] { 6 },
    };

    /// <summary>A name recorded with the results ("full" or "quick").</summary>
    public string Name { get; init; } = "full";

    /// <summary>Image side of the world, in pixels.</summary>
    public int ImageSize { get; init; } = 64;

    /// <summary>Training images per class in each training set.</summary>
    public int TrainPerClass { get; init; } = 400;

    /// <summary>Test images per class in each test set.</summary>
    public int TestPerClass { get; init; } = 50;

    /// <summary>How often a natural image wears its own class's texture family.</summary>
    public double OwnTexture { get; init; } = 0.95;

    /// <summary>Width (first-stage channels) of the ResNet-18.</summary>
    public int Width { get; init; } = 16;

    /// <summary>Width of the BagNet-9 (its first stage runs at full resolution, so it is the costlier network).</summary>
    public int BagNetWidth { get; init; } = 8;

    /// <summary>Residual blocks per stage of the BagNet-9 (one each: the receptive field stays 9×9).</summary>
    public IReadOnlyList<int> BagNetBlocks { get; init; } = new[] { 1, 1, 1, 1 };

    /// <summary>Batch-norm momentum while training (PyTorch's 0.1 everywhere, also in the BagNet stem).</summary>
    public double BatchNormMomentum { get; init; } = 0.1;

    /// <summary>Training epochs of each network.</summary>
    public int Epochs { get; init; } = 12;

    /// <summary>Images per step.</summary>
    public int Batch { get; init; } = 64;

    /// <summary>Initial learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Epochs at which the learning rate drops tenfold.</summary>
    public IReadOnlyList<int> LearningRateSteps { get; init; } = new[] { 9 };

    /// <summary>Smallest area fraction of the training crops.</summary>
    public double MinCropScale { get; init; } = 0.35;

    /// <summary>Seed of the world and of training.</summary>
    public int Seed { get; init; }

    /// <summary>The pytorch-AdaIN encoder (<c>vgg_normalised.pth</c>); with <see cref="Decoder"/>, the stylized training set is made by AdaIN from the natural one.</summary>
    public string? Vgg { get; init; }

    /// <summary>The pytorch-AdaIN decoder (<c>decoder.pth</c>).</summary>
    public string? Decoder { get; init; }

    /// <summary>
    /// Where the networks train and run (null: the CPU); not part of <see cref="Fingerprint"/>,
    /// so a run stopped on one device continues on another.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TorchSharp.torch.Device? Device { get; init; }

    /// <summary>
    /// The detection section's settings (<c>demo --detection</c>), or null for none. Not part of <see cref="Fingerprint"/>: the
    /// section keeps its own settings in its folder, so it can be added to a finished run.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DetectionDemoOptions? Detection { get; init; }

    /// <summary>True when the stylized training set is made with AdaIN.</summary>
    public bool UsesAdaIn => Vgg is not null && Decoder is not null;

    /// <summary>Checks that the settings make a run possible.</summary>
    /// <exception cref="TextureBiasException">A setting is out of range.</exception>
    public void Validate()
    {
        if (ImageSize < 16) throw new TextureBiasException($"the world's images must be at least 16 pixels, not {ImageSize}");
        if (TrainPerClass < 1 || TestPerClass < 1) throw new TextureBiasException("the training and test sets need at least one image per class");
        if (Epochs < 1 || Batch < 1) throw new TextureBiasException("epochs and batch must be at least 1");
        if (Width < 1 || BagNetWidth < 1) throw new TextureBiasException("the networks' widths must be at least 1");
        if ((Vgg is null) != (Decoder is null)) throw new TextureBiasException("AdaIN needs both the encoder (--vgg) and the decoder (--decoder)");
        foreach (var file in new[] { Vgg, Decoder })
            if (file is not null && !File.Exists(file)) throw new TextureBiasException($"{file}: no such file");
        Detection?.Validate();
    }

    /// <summary>The settings that decide the results, one per line, as stored beside them to tell a re-run whether it may reuse them.</summary>
    public string Fingerprint()
    {
        static string F(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join("\n", new[]
        {
            "texturebias demo v1", $"image-size {ImageSize}", $"train-per-class {TrainPerClass}", $"test-per-class {TestPerClass}",
            $"own-texture {F(OwnTexture)}", $"width {Width}", $"bagnet-width {BagNetWidth}", $"bagnet-blocks {string.Join(",", BagNetBlocks)}",
            $"bn-momentum {F(BatchNormMomentum)}", $"epochs {Epochs}", $"batch {Batch}", $"lr {F(LearningRate)}",
            $"lr-steps {string.Join(",", LearningRateSteps)}", $"min-crop-scale {F(MinCropScale)}", $"seed {Seed}",
            $"stylized {(UsesAdaIn ? $"adain {Path.GetFullPath(Vgg!)} {Path.GetFullPath(Decoder!)}" : "random textures")}",
        }) + "\n";
    }
}
