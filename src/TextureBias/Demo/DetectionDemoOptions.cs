using System.Globalization;
using TextureBias.Detection;

namespace TextureBias.Demo;

/// <summary>
/// Settings of the demo's detection section (<c>texturebias demo --detection</c>): the scenes, the small Faster R-CNN
/// built on the demo's ResNet-18s, and its training. <see cref="Full"/> adds a few minutes on a 2-core CPU,
/// <see cref="Quick"/> about one.
/// </summary>
public sealed record DetectionDemoOptions
{
    /// <summary>The standard section.</summary>
    public static DetectionDemoOptions Full { get; } = new();

    /// <summary>A smaller, shorter section with the same stages (<c>--quick</c>).</summary>
    public static DetectionDemoOptions Quick { get; } = new() { Name = "quick", TrainScenes = 96, TestScenes = 32, Epochs = 6, LearningRateSteps = new[] { 5 }, WarmupIterations = 20 };

    /// <summary>A name recorded with the results ("full" or "quick").</summary>
    public string Name { get; init; } = "full";

    /// <summary>Canvas side of the scenes in pixels (also the detector's min and max size: no resizing).</summary>
    public int SceneSize { get; init; } = 96;

    /// <summary>Scenes in the trainval set.</summary>
    public int TrainScenes { get; init; } = 192;

    /// <summary>Scenes in the test set.</summary>
    public int TestScenes { get; init; } = 48;

    /// <summary>Fewest objects per scene.</summary>
    public int MinObjects { get; init; } = 1;

    /// <summary>Most objects per scene.</summary>
    public int MaxObjects { get; init; } = 3;

    /// <summary>Train a third detector from a randomly initialised ResNet-18 as a baseline (off by default: it costs a third more time; the chance level is always reported).</summary>
    public bool RandomBaseline { get; init; }

    /// <summary>Training epochs of each detector.</summary>
    public int Epochs { get; init; } = 8;

    /// <summary>Images per step.</summary>
    public int Batch { get; init; } = 4;

    /// <summary>Initial learning rate (torchvision's recipe would give 0.02 × 4 / 16 = 0.005; a small detector trained briefly takes more).</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Epochs (0-based) from which the learning rate is a tenth.</summary>
    public IReadOnlyList<int> LearningRateSteps { get; init; } = new[] { 6 };

    /// <summary>Warm-up steps at the start of the first epoch.</summary>
    public int WarmupIterations { get; init; } = 40;

    /// <summary>Channels of every FPN level.</summary>
    public int FpnChannels { get; init; } = 32;

    /// <summary>Width of the box head's two fully connected layers.</summary>
    public int RepresentationSize { get; init; } = 128;

    /// <summary>Anchor size of each FPN level (strides 4, 8, 16, 32, 64); the objects' boxes are about 20–60 pixels.</summary>
    public IReadOnlyList<int> AnchorSizes { get; init; } = new[] { 16, 24, 36, 54, 80 };

    /// <summary>torchvision's trainable backbone layers (3: layer2 to layer4 train, the stem and layer1 stay as learned in classification).</summary>
    public int TrainableBackboneLayers { get; init; } = 3;

    /// <summary>The detector's settings: torchvision's Faster R-CNN scaled down to the scenes (fewer proposals and samples).</summary>
    public FasterRcnnOptions Model() => FasterRcnnOptions.Torchvision with
    {
        Backbone = "resnet18", BackboneWidth = 16, NumClasses = DetectionScenes.ClassNames.Count, TrainableBackboneLayers = TrainableBackboneLayers,
        FpnChannels = FpnChannels, MinSize = SceneSize, MaxSize = SceneSize, AnchorSizes = AnchorSizes,
        RpnPreNmsTopNTrain = 300, RpnPostNmsTopNTrain = 150, RpnPreNmsTopNTest = 150, RpnPostNmsTopNTest = 75,
        RpnBatchSizePerImage = 64, BoxBatchSizePerImage = 64, RepresentationSize = RepresentationSize, BoxDetectionsPerImage = 50,
    };

    /// <summary>Checks that the settings make a run possible.</summary>
    /// <exception cref="TextureBiasException">A setting is out of range.</exception>
    public void Validate()
    {
        if (SceneSize < 64) throw new TextureBiasException($"detection scenes must be at least 64 pixels, not {SceneSize}");
        if (TrainScenes < Batch || TestScenes < 1) throw new TextureBiasException("the detection section needs at least one batch of training scenes and one test scene");
        if (MinObjects < 1 || MaxObjects < MinObjects) throw new TextureBiasException($"objects per scene must be 1 <= min <= max, not {MinObjects}..{MaxObjects}");
        if (Epochs < 1 || Batch < 1 || !(LearningRate > 0)) throw new TextureBiasException("epochs, batch and learning rate must be positive");
        if (AnchorSizes.Count != 5) throw new TextureBiasException("give one anchor size per FPN level (five)");
    }

    /// <summary>The settings that decide the section's results, one per line, stored in its folder to tell a re-run whether it may reuse them.</summary>
    public string Fingerprint()
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return string.Join("\n", new[]
        {
            "texturebias demo detection v1", $"scene-size {SceneSize}", $"train-scenes {TrainScenes}", $"test-scenes {TestScenes}",
            $"objects {MinObjects}-{MaxObjects}", $"random-baseline {RandomBaseline}", $"epochs {Epochs}", $"batch {Batch}", $"lr {F(LearningRate)}",
            $"lr-steps {string.Join(",", LearningRateSteps)}", $"warmup {WarmupIterations}", $"fpn {FpnChannels}", $"representation {RepresentationSize}",
            $"anchors {string.Join(",", AnchorSizes)}", $"trainable-layers {TrainableBackboneLayers}",
        }) + "\n";
    }
}
