using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// torchvision 0.14's <c>AnchorGenerator</c> (<c>models/detection/anchor_utils.py</c>) with one anchor size
/// per feature level and the same aspect ratios (height/width) at every level: cell anchors
/// round([−w, −h, w, h]/2) with h = size·√r, w = size/√r (computed in float32 as torchvision does), shifted
/// to every cell of each level with the stride (padded image size) // (feature size) per axis. It has no
/// parameters (and no state_dict entries).
/// </summary>
internal sealed class AnchorGenerator : nn.Module
{
    private readonly float[][] cellAnchors;

    /// <summary>Anchors of <paramref name="sizes"/>[l] at level l for every aspect ratio.</summary>
    public AnchorGenerator(IReadOnlyList<int> sizes, IReadOnlyList<float> aspectRatios) : base("AnchorGenerator")
    {
        if (sizes.Count == 0 || aspectRatios.Count == 0)
            throw new ArgumentException("the anchor generator needs at least one size and one aspect ratio");
        foreach (var s in sizes)
            if (s <= 0) throw new ArgumentException($"anchor sizes must be positive, got {s}");
        foreach (var r in aspectRatios)
            if (!(r > 0) || float.IsInfinity(r)) throw new ArgumentException($"anchor aspect ratios must be positive, got {r}");
        Sizes = sizes.ToArray();
        AspectRatios = aspectRatios.ToArray();
        cellAnchors = Sizes.Select(s => CellAnchors(s, AspectRatios)).ToArray();
    }

    /// <summary>The anchor size of each level.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>The aspect ratios (height/width) at every level.</summary>
    public IReadOnlyList<float> AspectRatios { get; }

    /// <summary>Anchors per feature-map location (the number of aspect ratios), the same at every level.</summary>
    public int NumAnchorsPerLocation => AspectRatios.Count;

    /// <summary>
    /// The zero-centred anchors [A, 4] of one size for the aspect ratios, as torchvision's <c>generate_anchors</c>
    /// (float32 arithmetic, then round half to even).
    /// </summary>
    public static float[] CellAnchors(int size, IReadOnlyList<float> aspectRatios)
    {
        using var scope = torch.NewDisposeScope();
        var scales = torch.tensor(new float[] { size });
        var ratios = torch.tensor(aspectRatios.ToArray());
        var hRatios = ratios.sqrt();
        var wRatios = hRatios.reciprocal();
        var ws = wRatios.unsqueeze(1).mul(scales.unsqueeze(0)).view(-1);
        var hs = hRatios.unsqueeze(1).mul(scales.unsqueeze(0)).view(-1);
        using var two = 2f.ToScalar();
        var baseAnchors = torch.stack(new[] { ws.neg(), hs.neg(), ws, hs }, 1).div(two).round();
        return baseAnchors.contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// The anchors of each image ([Σ<sub>l</sub> H<sub>l</sub>·W<sub>l</sub>·A, 4], levels in order, locations
    /// row-major, the A aspect ratios innermost), in the feature maps' dtype and on their device.
    /// </summary>
    public IReadOnlyList<Tensor> Forward(ImageList images, IReadOnlyList<Tensor> featureMaps)
    {
        if (featureMaps.Count != Sizes.Count)
            throw new ArgumentException($"the anchor generator has {Sizes.Count} sizes (one per level) but got {featureMaps.Count} feature maps");
        using var scope = torch.NewDisposeScope();
        long imageHeight = images.Tensors.shape[^2];
        long imageWidth = images.Tensors.shape[^1];
        var perLevel = new Tensor[featureMaps.Count];
        for (int l = 0; l < featureMaps.Count; l++)
        {
            var f = featureMaps[l];
            perLevel[l] = GridAnchors(l, f.shape[^2], f.shape[^1], imageHeight / f.shape[^2], imageWidth / f.shape[^1], f.dtype, f.device);
        }
        var all = torch.cat(perLevel, 0);
        var result = new List<Tensor>(images.ImageSizes.Count);
        for (int i = 0; i < images.ImageSizes.Count; i++)
            result.Add(all.alias().MoveToOuterDisposeScope());
        return result;
    }

    /// <summary>The anchors [H·W·A, 4] of level <paramref name="level"/> on a grid of H × W cells with the given strides.</summary>
    public Tensor GridAnchors(int level, long gridHeight, long gridWidth, long strideHeight, long strideWidth, ScalarType dtype, Device device)
    {
        using var scope = torch.NewDisposeScope();
        var baseAnchors = torch.tensor(cellAnchors[level], dtype: dtype, device: device).view(-1, 4);
        using var sw = strideWidth.ToScalar();
        using var sh = strideHeight.ToScalar();
        var shiftsX = torch.arange(gridWidth, dtype: ScalarType.Int64, device: device).mul(sw);
        var shiftsY = torch.arange(gridHeight, dtype: ScalarType.Int64, device: device).mul(sh);
        var grid = torch.meshgrid(new[] { shiftsY, shiftsX }, indexing: "ij");
        var shiftY = grid[0].reshape(-1);
        var shiftX = grid[1].reshape(-1);
        var shifts = torch.stack(new[] { shiftX, shiftY, shiftX, shiftY }, 1).to_type(dtype);
        return shifts.view(-1, 1, 4).Plus(baseAnchors.view(1, -1, 4)).reshape(-1, 4).MoveToOuterDisposeScope();
    }
}
