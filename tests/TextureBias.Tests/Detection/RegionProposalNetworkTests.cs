using TextureBias.Data;
using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>
/// The RPN's keys and initialisation are torchvision's, and on the same weights and features its proposals and
/// losses equal those torchvision 0.14 computed (fixtures from tools/fixtures/make_rpn_fixtures.py).
/// </summary>
public class RegionProposalNetworkTests
{
    /// <summary>The fixture's RPN: 8 channels, anchors 8..128 on 5 levels, torchvision's thresholds; the test numbers of the eval case.</summary>
    private static FasterRcnnOptions Miniature() => new()
    {
        FpnChannels = 8,
        AnchorSizes = new[] { 8, 16, 32, 64, 128 },
        RpnPreNmsTopNTest = 1000,
        RpnPostNmsTopNTest = 1000,
        RpnPreNmsTopNTrain = 60,
        RpnPostNmsTopNTrain = 40,
        RpnBatchSizePerImage = 4096,
        RpnPositiveFraction = 1f,
    };

    private static readonly (int H, int W)[] Grids = { (32, 24), (16, 12), (8, 6), (4, 3), (2, 2) };

    private static RegionProposalNetwork LoadFixture(FasterRcnnOptions options)
    {
        var rpn = new RegionProposalNetwork(options);
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in rpn.named_parameters())
            p.copy_(Npy.Load(Fixture.Parity($"rpn-{name}.npy")));
        return rpn;
    }

    private static (ImageList Images, Tensor[] Features) Inputs() =>
        (new ImageList(torch.zeros(2, 3, 128, 96), new[] { (128, 96), (100, 70) }),
         Enumerable.Range(0, 5).Select(l => Npy.Load(Fixture.Parity($"rpn-features-{l}.npy"))).ToArray());

    private static void AssertSameBoxes(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what}: shape [{string.Join(", ", actual.shape)}], torchvision's [{string.Join(", ", expected.shape)}]");
        var diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= 1e-4f, $"{what}: max difference {diff} from torchvision's");
    }

    [Fact]
    public void StateDictKeysAndInitialisationAreTorchvisions()
    {
        using var scope = torch.NewDisposeScope();
        var rpn = new RegionProposalNetwork(FasterRcnnOptions.Torchvision);
        var shapes = rpn.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var expected = new Dictionary<string, long[]>
        {
            ["head.conv.0.0.weight"] = new long[] { 256, 256, 3, 3 },
            ["head.conv.0.0.bias"] = new long[] { 256 },
            ["head.cls_logits.weight"] = new long[] { 3, 256, 1, 1 },
            ["head.cls_logits.bias"] = new long[] { 3 },
            ["head.bbox_pred.weight"] = new long[] { 12, 256, 1, 1 },
            ["head.bbox_pred.bias"] = new long[] { 12 },
        };
        Assert.Equal(expected.Keys.Order(), shapes.Keys.Order());
        foreach (var (key, shape) in expected)
            Assert.Equal(shape, shapes[key]);
        var conv = rpn.state_dict()["head.conv.0.0.weight"];
        var std = conv.std().item<float>();
        Assert.InRange(std, 0.0099f, 0.0101f);
        Assert.InRange(conv.mean().item<float>(), -0.0002f, 0.0002f);
        foreach (var bias in new[] { "head.conv.0.0.bias", "head.cls_logits.bias", "head.bbox_pred.bias" })
            Assert.Equal(0f, rpn.state_dict()[bias].abs().max().item<float>());
    }

    [Theory]
    [InlineData("rpn.head.conv.weight", "rpn.head.conv.0.0.weight")]
    [InlineData("rpn.head.conv.bias", "rpn.head.conv.0.0.bias")]
    [InlineData("head.conv.weight", "head.conv.0.0.weight")]
    [InlineData("rpn.head.conv.0.0.weight", "rpn.head.conv.0.0.weight")]
    [InlineData("rpn.head.cls_logits.weight", "rpn.head.cls_logits.weight")]
    [InlineData("backbone.body.conv.weight", "backbone.body.conv.weight")]
    public void LegacyHeadKeysAreUpgraded(string key, string expected) => Assert.Equal(expected, RpnHead.UpgradeLegacyKey(key));

    [Fact]
    public void EvalProposalsEqualTorchvisions()
    {
        using var scope = torch.NewDisposeScope();
        var rpn = LoadFixture(Miniature());
        rpn.eval();
        var (images, features) = Inputs();
        using var noGrad = torch.no_grad();
        var (proposals, losses) = rpn.Forward(images, features);
        Assert.Empty(losses);
        Assert.Equal(2, proposals.Count);
        for (int i = 0; i < 2; i++)
            AssertSameBoxes(Npy.Load(Fixture.Parity($"rpn-eval-proposals-{i}.npy")), proposals[i], $"eval proposals of image {i}");
        // clipped to each image's own size
        Assert.True(proposals[1].select(1, 2).max().item<float>() <= 70f && proposals[1].select(1, 3).max().item<float>() <= 100f);
    }

    [Fact]
    public void TrainProposalsAndForcedSamplingLossesEqualTorchvisions()
    {
        using var scope = torch.NewDisposeScope();
        var rpn = LoadFixture(Miniature());
        rpn.train();
        var (images, features) = Inputs();
        var targets = Enumerable.Range(0, 2)
            .Select(i => new DetectionTarget(Npy.Load(Fixture.Parity($"rpn-targets-{i}.npy")), torch.ones(0, dtype: ScalarType.Int64)))
            .ToArray();
        var (proposals, losses) = rpn.Forward(images, features, targets, new Generator(5));
        for (int i = 0; i < 2; i++)
            AssertSameBoxes(Npy.Load(Fixture.Parity($"rpn-train-proposals-{i}.npy")), proposals[i], $"train proposals of image {i}");
        // every anchor that is not ignored is sampled (batch 4096 ≥ anchors, positive fraction 1), so the losses are torchvision's
        var expected = Npy.Load(Fixture.Parity("rpn-train-losses.npy")).data<float>().ToArray();
        var objectness = losses["loss_objectness"].item<float>();
        var boxReg = losses["loss_rpn_box_reg"].item<float>();
        Assert.True(Math.Abs(objectness - expected[0]) <= 1e-4 * expected[0], $"loss_objectness {objectness}, torchvision's {expected[0]}");
        Assert.True(Math.Abs(boxReg - expected[1]) <= 1e-4 * expected[1], $"loss_rpn_box_reg {boxReg}, torchvision's {expected[1]}");
        Assert.True(losses["loss_objectness"].requires_grad && losses["loss_rpn_box_reg"].requires_grad);
        (losses["loss_objectness"] + losses["loss_rpn_box_reg"]).backward();
        foreach (var (name, p) in rpn.named_parameters())
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"{name} got no gradient");
    }

    [Fact]
    public void SampledLossesAreReproducibleFromTheGeneratorAndBackgroundImagesAreAllNegative()
    {
        using var scope = torch.NewDisposeScope();
        var rpn = LoadFixture(Miniature() with { RpnBatchSizePerImage = 16, RpnPositiveFraction = 0.5f });
        rpn.train();
        var (images, features) = Inputs();
        var targets = Enumerable.Range(0, 2)
            .Select(i => new DetectionTarget(Npy.Load(Fixture.Parity($"rpn-targets-{i}.npy")), torch.ones(0, dtype: ScalarType.Int64)))
            .ToArray();
        float Loss(ulong seed) => rpn.Forward(images, features, targets, new Generator(seed)).Losses["loss_objectness"].item<float>();
        Assert.Equal(Loss(1), Loss(1));
        Assert.NotEqual(Loss(1), Loss(2));

        var anchors = rpn.Anchors.Forward(images, features);
        var (labels, matched) = rpn.AssignTargetsToAnchors(anchors, targets);
        Assert.Equal(0f, labels[1].abs().max().item<float>());
        // image 0: an anchor is positive iff its best IoU is ≥ 0.7 or it is some box's best anchor; −1 iff in [0.3, 0.7) otherwise
        var iou = BoxOps.Iou(targets[0].Boxes, anchors[0]);
        var best = iou.max(0).values;
        var isBestOfSomeBox = iou.eq(iou.max(1).values.unsqueeze(1)).any(0);
        var expected = torch.where(best.ge(0.7).logical_or(isBestOfSomeBox), torch.tensor(1f),
            torch.where(best.lt(0.3), torch.tensor(0f), torch.tensor(-1f)));
        Assert.Equal(expected.data<float>().ToArray(), labels[0].data<float>().ToArray());
        Assert.True(labels[0].eq(1).sum().item<long>() >= 3);
    }
}
