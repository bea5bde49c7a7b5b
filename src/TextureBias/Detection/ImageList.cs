using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's <c>ImageList</c>: the transformed images batched into one [N,3,H,W] tensor (padded at the
/// bottom and right to a multiple of the size divisor) and each image's size after resizing, before padding.
/// </summary>
internal sealed record ImageList(Tensor Tensors, IReadOnlyList<(int Height, int Width)> ImageSizes);
