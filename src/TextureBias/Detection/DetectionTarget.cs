using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// The ground truth of one training image, as torchvision's detection models take it:
/// <paramref name="Boxes"/> float32 [n,4] as (x1, y1, x2, y2) in the image's pixels,
/// <paramref name="Labels"/> int64 [n] class indices (1.., 0 is background).
/// </summary>
public sealed record DetectionTarget(Tensor Boxes, Tensor Labels);
