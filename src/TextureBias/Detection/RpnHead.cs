using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision 0.14's <c>RPNHead</c> (conv_depth 1): a 3×3 convolution with ReLU shared by all levels
/// (<c>conv.0.0.weight/bias</c>, torchvision's Conv2dNormActivation without norm), then 1×1 convolutions
/// to one objectness logit per anchor (<c>cls_logits</c>) and four box deltas per anchor (<c>bbox_pred</c>).
/// Weights are initialised normal with std 0.01 and biases 0, as torchvision.
/// </summary>
internal sealed class RpnHead : nn.Module
{
#pragma warning disable IDE1006 // state_dict names
    private readonly Sequential conv;
    private readonly Conv2d cls_logits;
    private readonly Conv2d bbox_pred;
#pragma warning restore IDE1006

    /// <summary>A head for features of <paramref name="inChannels"/> channels and <paramref name="numAnchors"/> anchors per location.</summary>
    public RpnHead(int inChannels, int numAnchors) : base("RPNHead")
    {
        if (inChannels < 1 || numAnchors < 1)
            throw new ArgumentException($"the RPN head needs positive channels and anchors per location, got {inChannels} and {numAnchors}");
        var convRelu = nn.Sequential(("0", nn.Conv2d(inChannels, inChannels, 3, padding: 1)), ("1", nn.ReLU(inplace: true)));
        conv = nn.Sequential(("0", (nn.Module<Tensor, Tensor>)convRelu));
        cls_logits = nn.Conv2d(inChannels, numAnchors, 1);
        bbox_pred = nn.Conv2d(inChannels, numAnchors * 4, 1);
        RegisterComponents();

        using var noGrad = torch.no_grad();
        foreach (var m in modules())
            if (m is Conv2d c)
            {
                nn.init.normal_(c.weight!, 0, 0.01);
                if (c.bias is not null)
                    nn.init.zeros_(c.bias);
            }
    }

    /// <summary>
    /// The key of a state_dict written before torchvision 0.13's RPNHead version 2 (e.g. the COCO weights
    /// fasterrcnn_resnet50_fpn_coco-258fb6c6.pth) as it is now: <c>…head.conv.weight/bias</c> →
    /// <c>…head.conv.0.0.weight/bias</c>, as RPNHead's <c>_load_from_state_dict</c>; other keys unchanged.
    /// </summary>
    public static string UpgradeLegacyKey(string key)
    {
        foreach (var type in new[] { "weight", "bias" })
        {
            var old = $"head.conv.{type}";
            if (key == old || key.EndsWith("." + old, StringComparison.Ordinal))
                return key[..^old.Length] + $"head.conv.0.0.{type}";
        }
        return key;
    }

    /// <summary>Objectness logits [N, A, H, W] and box deltas [N, 4A, H, W] of every level.</summary>
    public (IReadOnlyList<Tensor> Logits, IReadOnlyList<Tensor> BoxDeltas) Forward(IReadOnlyList<Tensor> features)
    {
        var logits = new List<Tensor>(features.Count);
        var deltas = new List<Tensor>(features.Count);
        foreach (var feature in features)
        {
            using var scope = torch.NewDisposeScope();
            var t = conv.forward(feature);
            logits.Add(cls_logits.forward(t).MoveToOuterDisposeScope());
            deltas.Add(bbox_pred.forward(t).MoveToOuterDisposeScope());
        }
        return (logits, deltas);
    }
}
