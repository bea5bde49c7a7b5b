using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>The ResNet-FPN backbone: torchvision's keys, stage widths, trainable-layers rule and FPN shapes.</summary>
public class DetectionBackboneTests
{
    private static FasterRcnnOptions Tiny(string backbone = "resnet18", int trainable = 3) =>
        FasterRcnnOptions.Torchvision with { Backbone = backbone, BackboneWidth = 8, FpnChannels = 16, TrainableBackboneLayers = trainable };

    [Fact]
    public void FasterRcnnKeysAndShapesAreTorchvisions()
    {
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "detection", "fasterrcnn_resnet50_fpn-keys.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);
        using var model = new FasterRcnn(FasterRcnnOptions.Torchvision);
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, shape) in expected) Assert.True(shape == actual[key], $"{key}: torchvision [{shape}], ours [{actual[key]}]");
    }

    [Theory]
    [InlineData("resnet18", false, new[] { 2, 2, 2, 2 })]
    [InlineData("resnet34", false, new[] { 3, 4, 6, 3 })]
    [InlineData("resnet50", true, new[] { 3, 4, 6, 3 })]
    [InlineData("resnet101", true, new[] { 3, 4, 23, 3 })]
    [InlineData("resnet152", true, new[] { 3, 8, 36, 3 })]
    public void BodiesHaveTheirBlocksAndStageWidths(string name, bool bottleneck, int[] blocks)
    {
        using var body = new ResNetBody(name, width: 4);
        var keys = body.state_dict().Keys.ToList();
        for (int s = 0; s < 4; s++)
            Assert.Equal(blocks[s], keys.Where(k => k.StartsWith($"layer{s + 1}.", StringComparison.Ordinal)).Select(k => k.Split('.')[1]).Distinct().Count());
        Assert.Equal(bottleneck, keys.Contains("layer1.0.conv3.weight"));
        int e = bottleneck ? 4 : 1;
        Assert.Equal(new[] { 4 * e, 8 * e, 16 * e, 32 * e }, body.StageChannels);
        Assert.DoesNotContain(keys, k => k.StartsWith("fc", StringComparison.Ordinal) || k.EndsWith("num_batches_tracked", StringComparison.Ordinal));
        Assert.Equal(blocks, ResNetBody.Config(name)!.Value.Blocks);
        Assert.Equal(bottleneck, ResNetBody.Config(name)!.Value.Bottleneck);
        Assert.Equal(name, ResNetBody.NameOf(blocks, bottleneck));
    }

    [Theory]
    [InlineData(0, new string[0])]
    [InlineData(1, new[] { "layer4" })]
    [InlineData(3, new[] { "layer4", "layer3", "layer2" })]
    [InlineData(5, new[] { "layer4", "layer3", "layer2", "layer1", "conv1" })]
    public void TrainableLayersRuleIsTorchvisions(int trainable, string[] trained)
    {
        using var model = new FasterRcnn(Tiny(trainable: trainable));
        foreach (var (name, p) in model.named_parameters())
        {
            if (!name.StartsWith("backbone.body.", StringComparison.Ordinal))
            {
                Assert.True(p.requires_grad, $"{name} must train");
                continue;
            }
            string top = name.Split('.')[2];
            Assert.True(trained.Contains(top) == p.requires_grad, $"{name}: requires_grad {p.requires_grad} with {trainable} trainable layers");
        }
        Assert.Contains(model.named_parameters(), p => p.name.StartsWith("backbone.body.layer1.", StringComparison.Ordinal));
        Assert.Throws<TextureBiasException>(() => new FasterRcnn(Tiny(trainable: 6)));
    }

    [Fact]
    public void FpnLevelsHaveTheStridesAndChannels()
    {
        using var scope = NewDisposeScope();
        using var backbone = new BackboneWithFpn(Tiny("resnet50"));
        backbone.eval();
        var features = backbone.forward(rand(1, 3, 96, 128));
        Assert.Equal(5, features.Count);
        var expected = new[] { (24L, 32L), (12L, 16L), (6L, 8L), (3L, 4L), (2L, 2L) };
        for (int i = 0; i < 5; i++)
            Assert.Equal(new[] { 1L, 16, expected[i].Item1, expected[i].Item2 }, features[i].shape);
    }

    [Fact]
    public void FpnInitialisationIsKaimingUniformWithZeroBiases()
    {
        using var backbone = new BackboneWithFpn(FasterRcnnOptions.Torchvision with { Backbone = "resnet18", BackboneWidth = 8, FpnChannels = 64 });
        var sd = backbone.state_dict();
        // kaiming_uniform_(a=1): bound = sqrt(6 / ((1 + a²) fan_in)) = sqrt(3 / fan_in); fan_in of layer_blocks.0.0 = 64·9.
        var w = sd["fpn.layer_blocks.0.0.weight"];
        double bound = Math.Sqrt(3.0 / (64 * 9));
        Assert.True(w.abs().max().item<float>() <= bound + 1e-6);
        Assert.True(w.abs().max().item<float>() > 0.9 * bound);
        Assert.Equal(0, sd["fpn.inner_blocks.2.0.bias"].abs().sum().item<float>());
    }
}
