using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's <c>BackboneWithFPN</c> over a ResNet (<c>resnet_fpn_backbone</c> / <c>_resnet_fpn_extractor</c>,
/// returned layers 1..4): fields <c>body</c> and <c>fpn</c> (state_dict keys <c>body.*</c>, <c>fpn.*</c>).
/// Returns the FPN levels "0","1","2","3","pool".
/// </summary>
internal sealed class BackboneWithFpn : nn.Module<Tensor, IReadOnlyList<Tensor>>
{
    private readonly ResNetBody body;
    private readonly FeaturePyramidNetwork fpn;

    public BackboneWithFpn(FasterRcnnOptions options) : base("BackboneWithFPN")
    {
        body = new ResNetBody(options.Backbone, options.BackboneWidth, options.FrozenBatchNormEps);
        body.SetTrainableLayers(options.TrainableBackboneLayers);
        fpn = new FeaturePyramidNetwork(body.StageChannels, options.FpnChannels);
        OutChannels = options.FpnChannels;
        RegisterComponents();
    }

    /// <summary>The ResNet body (keys <c>body.*</c>: conv1, bn1, layer1..layer4).</summary>
    public ResNetBody Body => body;

    /// <summary>Channels of every FPN level.</summary>
    public int OutChannels { get; }

    public override IReadOnlyList<Tensor> forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var features = fpn.forward(body.forward(x));
        return features.Select(t => t.MoveToOuterDisposeScope()).ToList();
    }
}
