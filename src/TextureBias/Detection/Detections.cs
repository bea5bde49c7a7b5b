using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// What a detector found in one image, as torchvision's detection models return it:
/// <paramref name="Boxes"/> float32 [n,4] (x1, y1, x2, y2) in the original image's pixels,
/// <paramref name="Labels"/> int64 [n], <paramref name="Scores"/> float32 [n], best first.
/// </summary>
public sealed record Detections(Tensor Boxes, Tensor Labels, Tensor Scores);
