using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's RegionProposalNetwork (models/detection/rpn.py) with its AnchorGenerator and RPNHead
/// (state_dict keys head.conv.0.0.weight/bias, head.cls_logits.*, head.bbox_pred.*).
/// CONTRACT SKELETON (issue 18): being written.
/// </summary>
internal sealed class RegionProposalNetwork : nn.Module
{
    public RegionProposalNetwork(FasterRcnnOptions options) : base("RegionProposalNetwork") { }

    /// <summary>
    /// Proposals per image (x1,y1,x2,y2 in the transformed image's coordinates) and, when targets are given
    /// in training mode, the losses loss_objectness and loss_rpn_box_reg. Features: the FPN levels in order
    /// "0","1","2","3","pool". Targets' boxes are in the transformed image's coordinates.
    /// </summary>
    public (IReadOnlyList<Tensor> Proposals, IReadOnlyDictionary<string, Tensor> Losses) Forward(
        ImageList images, IReadOnlyList<Tensor> features, IReadOnlyList<DetectionTarget>? targets = null, Generator? generator = null) =>
        throw new NotImplementedException();
}
