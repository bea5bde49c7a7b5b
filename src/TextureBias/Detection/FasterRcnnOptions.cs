namespace TextureBias.Detection;

/// <summary>
/// The settings of a <see cref="FasterRcnn"/>; the defaults are torchvision's
/// <c>fasterrcnn_resnet50_fpn</c> (torchvision 0.14, <c>models/detection/faster_rcnn.py</c>).
/// Smaller values (backbone, FPN width, image size, anchors) make the miniatures that run in minutes.
/// </summary>
public sealed record FasterRcnnOptions
{
    /// <summary>torchvision's defaults with 91 COCO category ids (index 0 = background).</summary>
    public static FasterRcnnOptions Torchvision { get; } = new();

    /// <summary>The backbone's architecture: resnet18, resnet34, resnet50, resnet101 or resnet152.</summary>
    public string Backbone { get; init; } = "resnet50";

    /// <summary>The backbone's stem width (64 in torchvision; the demo's networks use less).</summary>
    public int BackboneWidth { get; init; } = 64;

    /// <summary>
    /// Epsilon of the backbone's FrozenBatchNorm2d (torchvision's 1e-5). torchvision sets it to 0 when it loads its
    /// published COCO_V1 <c>fasterrcnn_resnet50_fpn</c> weights (<c>overwrite_eps</c>): use 0 for those.
    /// </summary>
    public double FrozenBatchNormEps { get; init; } = 1e-5;

    /// <summary>Classes including background at index 0 (91 for COCO's category ids, 21 for VOC).</summary>
    public int NumClasses { get; init; } = 91;

    /// <summary>torchvision's <c>trainable_backbone_layers</c> (0–5): how many of layer4, layer3, layer2, layer1, conv1 train.</summary>
    public int TrainableBackboneLayers { get; init; } = 3;

    /// <summary>Channels of every FPN level (256).</summary>
    public int FpnChannels { get; init; } = 256;

    /// <summary>GeneralizedRCNNTransform's min_size (800).</summary>
    public int MinSize { get; init; } = 800;

    /// <summary>GeneralizedRCNNTransform's max_size (1333).</summary>
    public int MaxSize { get; init; } = 1333;

    /// <summary>Per-channel mean of the normalisation (ImageNet's).</summary>
    public IReadOnlyList<float> ImageMean { get; init; } = new[] { 0.485f, 0.456f, 0.406f };

    /// <summary>Per-channel standard deviation of the normalisation (ImageNet's).</summary>
    public IReadOnlyList<float> ImageStd { get; init; } = new[] { 0.229f, 0.224f, 0.225f };

    /// <summary>Batched images are padded to a multiple of this (32).</summary>
    public int SizeDivisible { get; init; } = 32;

    /// <summary>Anchor size of each FPN level "0".."3","pool" (32, 64, 128, 256, 512).</summary>
    public IReadOnlyList<int> AnchorSizes { get; init; } = new[] { 32, 64, 128, 256, 512 };

    /// <summary>Anchor aspect ratios (height/width) at every level (0.5, 1, 2).</summary>
    public IReadOnlyList<float> AspectRatios { get; init; } = new[] { 0.5f, 1.0f, 2.0f };

    /// <summary>RPN: proposals kept per level before NMS, in training (2000).</summary>
    public int RpnPreNmsTopNTrain { get; init; } = 2000;

    /// <summary>RPN: proposals kept per level before NMS, in testing (1000).</summary>
    public int RpnPreNmsTopNTest { get; init; } = 1000;

    /// <summary>RPN: proposals kept per image after NMS, in training (2000).</summary>
    public int RpnPostNmsTopNTrain { get; init; } = 2000;

    /// <summary>RPN: proposals kept per image after NMS, in testing (1000).</summary>
    public int RpnPostNmsTopNTest { get; init; } = 1000;

    /// <summary>RPN: NMS IoU threshold (0.7).</summary>
    public float RpnNmsThreshold { get; init; } = 0.7f;

    /// <summary>RPN: anchors with IoU at least this are foreground (0.7).</summary>
    public float RpnForegroundIou { get; init; } = 0.7f;

    /// <summary>RPN: anchors with IoU below this are background (0.3).</summary>
    public float RpnBackgroundIou { get; init; } = 0.3f;

    /// <summary>RPN: anchors sampled per image for the loss (256).</summary>
    public int RpnBatchSizePerImage { get; init; } = 256;

    /// <summary>RPN: share of positives among the sampled anchors (0.5).</summary>
    public float RpnPositiveFraction { get; init; } = 0.5f;

    /// <summary>RPN: proposals scoring below this are dropped (0).</summary>
    public float RpnScoreThreshold { get; init; }

    /// <summary>Box head: detections scoring below this are dropped (0.05).</summary>
    public float BoxScoreThreshold { get; init; } = 0.05f;

    /// <summary>Box head: per-class NMS IoU threshold (0.5).</summary>
    public float BoxNmsThreshold { get; init; } = 0.5f;

    /// <summary>Box head: detections kept per image (100).</summary>
    public int BoxDetectionsPerImage { get; init; } = 100;

    /// <summary>Box head: proposals with IoU at least this are foreground (0.5).</summary>
    public float BoxForegroundIou { get; init; } = 0.5f;

    /// <summary>Box head: proposals with IoU below this are background (0.5).</summary>
    public float BoxBackgroundIou { get; init; } = 0.5f;

    /// <summary>Box head: proposals sampled per image for the loss (512).</summary>
    public int BoxBatchSizePerImage { get; init; } = 512;

    /// <summary>Box head: share of positives among the sampled proposals (0.25).</summary>
    public float BoxPositiveFraction { get; init; } = 0.25f;

    /// <summary>Width of TwoMLPHead's fc6 and fc7 (1024).</summary>
    public int RepresentationSize { get; init; } = 1024;

    /// <summary>MultiScaleRoIAlign's output size (7).</summary>
    public int RoiOutputSize { get; init; } = 7;

    /// <summary>MultiScaleRoIAlign's sampling ratio (2).</summary>
    public int RoiSamplingRatio { get; init; } = 2;
}
