using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's Faster R-CNN with a ResNet-FPN backbone (<c>fasterrcnn_resnet50_fpn</c>), with
/// torchvision's modules and state_dict keys (<c>backbone.body.*</c>, <c>backbone.fpn.*</c>,
/// <c>rpn.head.*</c>, <c>roi_heads.box_head.*</c>, <c>roi_heads.box_predictor.*</c>), so that
/// torchvision's weights and ours are interchangeable.
/// CONTRACT SKELETON (issue 18): signatures fixed, bodies being written.
/// </summary>
public sealed class FasterRcnn : nn.Module
{
    /// <summary>Builds the model with random weights (torchvision's initialisation).</summary>
    public FasterRcnn(FasterRcnnOptions options) : base("FasterRCNN")
    {
        Options = options;
    }

    /// <summary>The settings it was built with.</summary>
    public FasterRcnnOptions Options { get; }

    /// <summary>
    /// Inference (call <c>eval()</c> first): images are float32 [3,H,W] RGB in [0,1], any sizes;
    /// returns one <see cref="Detections"/> per image, boxes in that image's pixels.
    /// </summary>
    public IReadOnlyList<Detections> Detect(IReadOnlyList<Tensor> images) => throw new NotImplementedException();

    /// <summary>
    /// Training losses (call <c>train()</c> first) as torchvision names them: loss_classifier,
    /// loss_box_reg, loss_objectness, loss_rpn_box_reg. Targets' boxes are in the images' pixels. The RPN's and the
    /// box head's sampling of anchors and proposals draw from <paramref name="generator"/> (for exact resumption).
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Losses(IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget> targets, Generator? generator = null) => throw new NotImplementedException();

    /// <summary>The RPN's proposals per image (inference), in the transformed (resized) image's coordinates, as torchvision's <c>model.rpn</c> returns them.</summary>
    public IReadOnlyList<Tensor> Proposals(IReadOnlyList<Tensor> images) => throw new NotImplementedException();

    /// <summary>
    /// Loads a detector from a weights file (PyTorch's formats, safetensors, our checkpoints, or a
    /// torchvision reference checkpoint whose "model" holds the state_dict), inferring the backbone depth,
    /// width and class count from the keys; <paramref name="options"/> supplies the rest.
    /// </summary>
    public static FasterRcnn Load(string path, FasterRcnnOptions? options = null) => throw new NotImplementedException();
}
