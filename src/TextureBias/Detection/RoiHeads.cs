using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's RoIHeads for boxes (models/detection/roi_heads.py): MultiScaleRoIAlign over FPN levels
/// "0".."3", TwoMLPHead (box_head.fc6, box_head.fc7), FastRCNNPredictor (box_predictor.cls_score,
/// box_predictor.bbox_pred), training-sample selection and losses, postprocessing.
/// CONTRACT SKELETON (issue 18): being written.
/// </summary>
internal sealed class RoiHeads : nn.Module
{
    public RoiHeads(FasterRcnnOptions options) : base("RoIHeads") { }

    /// <summary>
    /// Detections per image (boxes in the transformed image's coordinates; the caller maps them back) and,
    /// when targets are given in training mode, the losses loss_classifier and loss_box_reg.
    /// Features: the FPN levels in order "0","1","2","3","pool" (only the first four are pooled).
    /// </summary>
    public (IReadOnlyList<Detections> Results, IReadOnlyDictionary<string, Tensor> Losses) Forward(
        IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> proposals, IReadOnlyList<(int Height, int Width)> imageSizes,
        IReadOnlyList<DetectionTarget>? targets = null, Generator? generator = null) =>
        throw new NotImplementedException();
}
