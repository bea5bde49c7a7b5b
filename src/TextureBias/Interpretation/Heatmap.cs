using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Interpretation;

/// <summary>
/// BagNet class-evidence heatmaps. The value at pixel (y,x) is the logit of a class for the
/// q×q patch centred on that pixel, as the official patch-by-patch utility defines it: the
/// normalised image is zero-padded ((q-1)/2 rows and columns before, the rest after) and
/// every q×q patch is classified on its own. Here for any image size and aspect ratio.
/// </summary>
/// <remarks>
/// <see cref="Dense(BagNet, Tensor, IReadOnlyList{int}, int, HeatmapPadding, Device)"/> computes the same map without evaluating patches one by one. The
/// network is fully convolutional with valid padding and total stride 8, so its patch map at
/// stride 1 is the stride-8 map at all 64 sub-pixel offsets. Those are computed with shared
/// work: each strided block runs at its (u,v) ∈ {0,1}² input offsets, so the number of offset
/// maps grows ×4 per strided block (1 → 4 → 16 → 64) while every convolution stays an ordinary
/// one; the maps are interleaved at the end. This is the dilated ("à trous") network computed
/// by space-to-batch. Offset maps are independent once split, so they are processed a few at
/// a time, and large images in tiles, which bounds memory.
/// <para>
/// Devices: every method runs the network where it is, or on the device given (the model is
/// moved there); the image is copied there, and the maps are returned there. On the CPU the
/// dense method is tuned for the CPU (offset maps in groups sized for glibc's allocator,
/// channels-last layout for oneDNN, classifier sums in PyTorch's order); on other devices
/// (CUDA) it skips that tuning: all 64 offset maps of a tile go through each layer at once, so
/// memory grows with the tile's area (<c>tile</c> bounds it, as on the CPU).
/// </para>
/// </remarks>
public static class Heatmap
{
    /// <summary>
    /// The exact dense heatmap: logits [classes.Length, H, W] for a normalised image [3,H,W]
    /// (or [1,3,H,W]). <paramref name="tile"/> is the largest side of the output tiles computed
    /// at once (a multiple of 8; memory grows with its square); larger images are split evenly.
    /// <paramref name="padding"/> is what border patches see beyond the image (zeros: the reference).
    /// The network runs on <paramref name="device"/> when given (the model is moved there), else
    /// where it is; the map is returned on that device.
    /// </summary>
    public static Tensor Dense(BagNet model, Tensor image, IReadOnlyList<int> classes, int tile = 224, HeatmapPadding padding = HeatmapPadding.Zeros,
        Device? device = null)
    {
        var on = Devices.Place(model, device);
        return Dense(model, image, classes, tile, padding, cpuTuning: Devices.IsCpu(on));
    }

    /// <summary>
    /// <see cref="Dense(BagNet, Tensor, IReadOnlyList{int}, int, HeatmapPadding, Device?)"/> on the
    /// model's device, with or without the CPU's tuning (<see cref="DenseBagNet"/>): tests run
    /// the path other devices take on the CPU.
    /// </summary>
    internal static Tensor Dense(BagNet model, Tensor image, IReadOnlyList<int> classes, int tile, HeatmapPadding padding, bool cpuTuning) =>
        Dense(model, image, classes, tile, padding, cpuTuning, out _);

    /// <summary>
    /// <see cref="Dense(BagNet, Tensor, IReadOnlyList{int}, int, HeatmapPadding, bool)"/>, also
    /// giving the multiply–accumulates it did (for benchmarks' GFLOP/s).
    /// </summary>
    internal static Tensor Dense(BagNet model, Tensor image, IReadOnlyList<int> classes, int tile, HeatmapPadding padding, bool cpuTuning, out long multiplyAccumulates)
    {
        var image4 = CheckImage(model, image, classes);
        if (tile < 8 || tile % 8 != 0) throw new ArgumentException("tile must be a positive multiple of 8");
        var on = Devices.Of(model);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = Devices.Upload(image4, on);
        int h = (int)x.shape[2], w = (int)x.shape[3], q = model.ReceptiveField;
        var padded = Pad(x, q, extraBottom: 8, extraRight: 8, padding); // room to round tiles up to whole cells
        var result = zeros(new long[] { classes.Count, h, w }, device: on);
        using var dense = new DenseBagNet(model, classes, cpuTuning);
        // Tiles of at most `tile` pixels, split evenly (in whole stride-8 cells) so no thin
        // remainder tile pays the full margin of q-1 pixels.
        int tileH = EvenTile(h, tile), tileW = EvenTile(w, tile);
        for (int y0 = 0; y0 < h; y0 += tileH)
        for (int x0 = 0; x0 < w; x0 += tileW)
        {
            using var tileScope = NewDisposeScope();
            int th = Math.Min(tileH, h - y0), tw = Math.Min(tileW, w - x0);
            // Output rows y0..y0+th need padded rows y0..y0+th+q-2; round up to whole stride-8 cells.
            int ch = (th + 7) / 8 * 8, cw = (tw + 7) / 8 * 8;
            var input = padded.narrow(2, y0, ch + q - 1).narrow(3, x0, cw + q - 1);
            var map = dense.Tile(input, ch / 8, cw / 8);
            result.narrow(1, y0, th).narrow(2, x0, tw).copy_(map.narrow(1, 0, th).narrow(2, 0, tw));
        }
        multiplyAccumulates = dense.MultiplyAccumulates;
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The coarse map from one forward pass: logits [classes.Length, H', W'] of the patches at
    /// stride 8 of the unpadded image, cell (i,j) being the patch with top-left corner (8i, 8j);
    /// on <paramref name="device"/> when given (the model is moved there), else where the model is.
    /// </summary>
    public static Tensor Coarse(BagNet model, Tensor image, IReadOnlyList<int> classes, Device? device = null)
    {
        var image4 = CheckImage(model, image, classes);
        var on = Devices.Place(model, device);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.PatchLogits(Devices.Upload(image4, on))[0];
        return logits.index_select(0, tensor(classes.Select(c => (long)c).ToArray(), device: logits.device)).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The official algorithm, for reference and benchmarks: every q×q patch of the padded image
    /// classified on its own, <paramref name="batch"/> patches per forward pass. Minutes per
    /// 224-pixel image. With <paramref name="maxPatches"/> only the first patches in row-major
    /// order are computed (the rest of the map stays NaN). On <paramref name="device"/> when given
    /// (the model is moved there), else where the model is.
    /// </summary>
    public static Tensor PatchByPatch(BagNet model, Tensor image, IReadOnlyList<int> classes, int batch = 1000, long maxPatches = long.MaxValue, HeatmapPadding padding = HeatmapPadding.Zeros,
        Device? device = null)
    {
        var image4 = CheckImage(model, image, classes);
        var on = Devices.Place(model, device);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = Devices.Upload(image4, on);
        int h = (int)x.shape[2], w = (int)x.shape[3], q = model.ReceptiveField;
        var padded = Pad(x, q, 0, 0, padding)[0];
        Tensor result;
        using (var nan = float.NaN.ToScalar()) result = full(new long[] { classes.Count, (long)h * w }, nan, device: on);
        var index = tensor(classes.Select(c => (long)c).ToArray(), device: on);
        long total = Math.Min((long)h * w, maxPatches);
        for (long start = 0; start < total; start += batch)
        {
            using var step = NewDisposeScope();
            int count = (int)Math.Min(batch, total - start);
            var patches = new Tensor[count];
            for (int k = 0; k < count; k++)
            {
                long p = start + k;
                patches[k] = padded.narrow(1, p / w, q).narrow(2, p % w, q);
            }
            var logits = model.forward(stack(patches)); // [count, classes]
            result.narrow(1, start, count).copy_(logits.index_select(1, index).t());
        }
        return result.view(classes.Count, h, w).MoveToOuterDisposeScope();
    }

    private static int EvenTile(int size, int tile)
    {
        int count = (size + tile - 1) / tile;
        return Math.Min(tile, ((size + count - 1) / count + 7) / 8 * 8);
    }

    private static Tensor CheckImage(BagNet model, Tensor image, IReadOnlyList<int> classes)
    {
        var x = image.dim() == 3 ? image.unsqueeze(0) : image;
        if (x.dim() != 4 || x.shape[0] != 1 || x.shape[1] != 3)
            throw new ArgumentException($"expected one normalised image [3,H,W], got [{string.Join(",", image.shape)}]");
        if (classes.Count == 0) throw new ArgumentException("no classes given");
        foreach (var c in classes)
            if (c < 0 || c >= model.NumClasses) throw new TextureBiasException($"class {c} is not one of the model's {model.NumClasses} classes");
        return x;
    }

    /// <summary>Padding in normalised space: (q-1)/2 before, the rest (plus any extra) after.</summary>
    private static Tensor Pad(Tensor x, int q, int extraBottom, int extraRight, HeatmapPadding padding)
    {
        int before = (q - 1) / 2, after = q - 1 - before;
        var sides = new long[] { before, after + extraRight, before, after + extraBottom };
        return padding == HeatmapPadding.Edge
            ? nn.functional.pad(x, sides, PaddingModes.Replicate)
            : nn.functional.pad(x, sides);
    }
}
