using TextureBias.Detection;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>FasterRcnn.InitializeHeads: the new layers follow from the generator alone, with torchvision's distributions.</summary>
public class HeadInitialisationTests
{
    private static readonly FasterRcnnOptions Tiny = FasterRcnnOptions.Torchvision with
    {
        Backbone = "resnet18", BackboneWidth = 8, FpnChannels = 16, NumClasses = 3, RepresentationSize = 32, MinSize = 64, MaxSize = 96,
    };

    private static Dictionary<string, Tensor> Heads(FasterRcnn model) => model.state_dict()
        .Where(kv => !kv.Key.StartsWith("backbone.body.", StringComparison.Ordinal))
        .ToDictionary(kv => kv.Key, kv => kv.Value.clone());

    [Fact]
    public void TheSameSeedGivesTheSameHeadsWhateverTheGlobalGeneratorDid()
    {
        manual_seed(1);
        using var a = new FasterRcnn(Tiny);
        manual_seed(2);
        using var b = new FasterRcnn(Tiny);
        using (var g = new Generator(42)) a.InitializeHeads(g);
        using (var g = new Generator(42)) b.InitializeHeads(g);
        var ha = Heads(a);
        var hb = Heads(b);
        Assert.Equal(ha.Keys.Order(), hb.Keys.Order());
        foreach (var (key, t) in ha) Assert.True(t.eq(hb[key]).all().item<bool>(), key);
        using (var g = new Generator(43)) b.InitializeHeads(g);
        Assert.False(ha["roi_heads.box_head.fc6.weight"].eq(b.state_dict()["roi_heads.box_head.fc6.weight"]).all().item<bool>());
    }

    [Fact]
    public void HeadsHaveTorchvisionsDistributions()
    {
        using var model = new FasterRcnn(Tiny);
        using (var g = new Generator(7)) model.InitializeHeads(g);
        var sd = model.state_dict();
        // FPN: kaiming_uniform_(a=1) → U(±√(3/fan_in)); biases zero.
        var fpn = sd["backbone.fpn.layer_blocks.0.0.weight"];
        double fpnBound = Math.Sqrt(3.0 / (16 * 3 * 3));
        Assert.True(fpn.abs().max().item<float>() <= fpnBound);
        Assert.True(fpn.abs().max().item<float>() > 0.9 * fpnBound);
        Assert.Equal(0f, sd["backbone.fpn.layer_blocks.0.0.bias"].abs().sum().item<float>());
        // RPN: normal(0, 0.01).
        var rpn = sd["rpn.head.conv.0.0.weight"];
        Assert.InRange(rpn.std().item<float>(), 0.009, 0.011);
        Assert.Equal(0f, sd["rpn.head.cls_logits.bias"].abs().sum().item<float>());
        // Linear defaults: U(±1/√fan_in) for weight and bias.
        var fc7 = sd["roi_heads.box_head.fc7.weight"];
        double linearBound = 1.0 / Math.Sqrt(32);
        Assert.True(fc7.abs().max().item<float>() <= linearBound);
        Assert.True(sd["roi_heads.box_predictor.cls_score.bias"].abs().max().item<float>() <= linearBound);
        Assert.True(sd["roi_heads.box_predictor.cls_score.bias"].abs().sum().item<float>() > 0);
    }
}
