using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>FasterRcnn's training path: torchvision's four losses, gradients only where the trainable-layers rule allows, bad boxes refused.</summary>
public class FasterRcnnTests
{
    private static readonly FasterRcnnOptions Tiny = FasterRcnnOptions.Torchvision with
    {
        Backbone = "resnet18", BackboneWidth = 8, FpnChannels = 16, NumClasses = 3, RepresentationSize = 32,
        MinSize = 64, MaxSize = 96, AnchorSizes = new[] { 8, 16, 32, 64, 128 }, RpnBatchSizePerImage = 32, BoxBatchSizePerImage = 32,
        TrainableBackboneLayers = 2,
    };

    [Fact]
    public void LossesAreTorchvisionsFourAndTrainOnlyTheTrainableLayers()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = new FasterRcnn(Tiny);
        model.train();
        var images = new[] { rand(3, 60, 80), rand(3, 80, 64) };
        var targets = new[]
        {
            new DetectionTarget(tensor(new[] { 5f, 5f, 40f, 50f, 30f, 10f, 75f, 40f }).view(2, 4), tensor(new long[] { 1, 2 })),
            new DetectionTarget(tensor(new[] { 10f, 20f, 50f, 70f }).view(1, 4), tensor(new long[] { 2 })),
        };
        var losses = model.Losses(images, targets, new Generator(1));
        Assert.Equal(new[] { "loss_box_reg", "loss_classifier", "loss_objectness", "loss_rpn_box_reg" }, losses.Keys.Order());
        foreach (var (name, loss) in losses)
        {
            Assert.Equal(0, loss.dim());
            Assert.True(float.IsFinite(loss.item<float>()) && loss.item<float>() >= 0, name);
        }
        var total = losses.Values.Aggregate((a, b) => a + b);
        total.backward();
        foreach (var (name, p) in model.named_parameters())
        {
            bool frozen = name.StartsWith("backbone.body.", StringComparison.Ordinal)
                && !name.StartsWith("backbone.body.layer4.", StringComparison.Ordinal) && !name.StartsWith("backbone.body.layer3.", StringComparison.Ordinal);
            if (frozen) Assert.True(p.grad is null, $"{name} is frozen but has a gradient");
            else Assert.True(p.grad is not null, $"{name} has no gradient");
        }
        // Tiny images and few sampled anchors may leave a coarse FPN level's gradient zero, never the last stage's.
        Assert.True(model.named_parameters().First(p => p.name == "backbone.body.layer4.1.conv2.weight").parameter.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void DegenerateTargetBoxesAreRefusedAsTorchvisionDoes()
    {
        using var scope = NewDisposeScope();
        using var model = new FasterRcnn(Tiny);
        model.train();
        var targets = new[] { new DetectionTarget(tensor(new[] { 5f, 5f, 40f, 50f, 30f, 10f, 30f, 40f }).view(2, 4), tensor(new long[] { 1, 2 })) };
        var e = Assert.Throws<TextureBiasException>(() => model.Losses(new[] { rand(3, 60, 80) }, targets));
        Assert.Contains("[30, 10, 30, 40]", e.Message);
        Assert.Contains("index 0", e.Message);
    }
}
