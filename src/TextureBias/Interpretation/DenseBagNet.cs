using TextureBias.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextureBias.Interpretation;

/// <summary>
/// A BagNet prepared for dense heatmaps: every batch norm folded into its convolution (and
/// conv1 into conv2), and the computation of the stride-1 patch map by space-to-batch. Each
/// strided block runs at its four sub-pixel input offsets, so one map becomes four (1 → 4 → 16
/// → 64 maps of the 8×8 offsets) while every convolution stays an ordinary one; once split,
/// maps are independent and go on a few at a time. Valid for the eval-mode weights at
/// construction; runs on the model's device at construction.
/// </summary>
/// <remarks>
/// On the CPU the computation is tuned for the CPU: channels-last layout (oneDNN's convolutions
/// run faster on it), offset maps in groups whose activations stay under
/// <see cref="ImageClassifier.ChunkBytes"/> (so glibc's allocator reuses their memory, see
/// <see cref="TorchRuntime"/>), and the classifier summed in PyTorch's order
/// (<see cref="EvalFusion.OrderedLinear(Tensor, Tensor, Tensor?)"/>). On other devices (CUDA) the
/// simple path: the default layout, all offset maps of a tile at once (one convolution per layer;
/// memory grows with the tile's area, bounded by the tile) and the device's own matrix product.
/// </remarks>
internal sealed class DenseBagNet : IDisposable
{
    private sealed record Folded(Tensor Weight, Tensor Bias, long[] Stride)
    {
        /// <summary>On the CPU, the weight packed for oneDNN once per input shape (<see cref="PackedConvolution"/>).</summary>
        public PackedConvolution? Packed { get; init; }

        public Tensor Apply(Tensor x, DenseBagNet owner, bool relu = false)
        {
            // The packed path wants channels-last memory; shifted views get the copy conv2d would make of them anyway.
            var y = (Packed is null ? null : Packed.TryApply(EvalFusion.ChannelsLast(x), relu));
            if (y is null)
            {
                y = nn.functional.conv2d(x, Weight, Bias, Stride, new long[] { 0, 0 });
                if (relu) y.relu_();
            }
            owner.MultiplyAccumulates += y.numel() * Weight.shape[1] * Weight.shape[2] * Weight.shape[3];
            return y;
        }
    }

    private sealed record Block(Folded[] Layers, Folded? Shortcut, int Stride, long OutputChannels);

    private readonly Folded _stem;
    private readonly List<Block> _blocks = new();
    private readonly Tensor _classWeight;
    private readonly Tensor _classBias;
    private readonly int _classes;
    private readonly bool _cpu;

    /// <summary>Multiply–accumulates done so far (convolutions and the classifier): the work of the maps computed.</summary>
    public long MultiplyAccumulates { get; private set; }

    /// <summary>
    /// Prepares <paramref name="model"/> on its device; <paramref name="cpuTuning"/>: the CPU's
    /// tuning (see the remarks; what the CPU gets), else the simple path of other devices.
    /// </summary>
    public DenseBagNet(BagNet model, IReadOnlyList<int> classes, bool cpuTuning)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (first, second, norm) = model.StemLayers;
        _cpu = cpuTuning;
        var (sw, sb) = EvalFusion.Fold(second, norm, EvalFusion.Compose1x1(second, first));
        _stem = Pack(new Folded(sw, sb, second.stride));
        foreach (var b in model.Blocks)
        {
            var layers = b.Layers.Select(p => Pack(Fold(p.Conv, p.Norm))).ToArray();
            var shortcut = b.Shortcut is { } s ? Pack(Fold(s.Conv, s.Norm)) : null;
            _blocks.Add(new Block(layers, shortcut, b.Stride, b.OutputChannels));
        }
        var index = tensor(classes.Select(c => (long)c).ToArray(), device: model.Classifier.weight!.device);
        _classWeight = model.Classifier.weight!.detach().index_select(0, index);
        _classBias = model.Classifier.bias!.detach().index_select(0, index);
        _classes = classes.Count;
        foreach (var t in Owned()) t.DetachFromDisposeScope(); // everything else goes with the scope
    }

    private IEnumerable<Tensor> Owned() =>
        new[] { _stem.Weight, _stem.Bias, _classWeight, _classBias }.Concat(_blocks.SelectMany(Tensors));

    private static IEnumerable<Tensor> Tensors(Block b) =>
        b.Layers.Concat(b.Shortcut is null ? Array.Empty<Folded>() : new[] { b.Shortcut }).SelectMany(f => new[] { f.Weight, f.Bias });

    /// <summary>With CPU tuning (and packing on), <paramref name="f"/> with its packed convolution (the weights are fixed for this object's life).</summary>
    private Folded Pack(Folded f) =>
        _cpu && !PackedConvolution.Disabled ? f with { Packed = new PackedConvolution(() => (f.Weight.alias(), f.Bias.alias()), new long[] { 0, 0 }, f.Stride, new long[] { 1, 1 }, 1) } : f;

    private IEnumerable<Folded> AllFolded() =>
        new[] { _stem }.Concat(_blocks.SelectMany(b => b.Shortcut is null ? b.Layers : b.Layers.Append(b.Shortcut)));

    private static Folded Fold(Conv2d conv, BatchNorm2d bn)
    {
        var (w, b) = EvalFusion.Fold(conv, bn);
        return new Folded(w, b, conv.stride);
    }

    public void Dispose()
    {
        foreach (var f in AllFolded()) f.Packed?.Dispose();
        foreach (var t in Owned()) t.Dispose();
    }

    /// <summary>
    /// Logits [classes, 8·rows, 8·cols] of the patches whose top-left corners are the first
    /// 8·rows × 8·cols pixels of <paramref name="input"/> [1,3,h,w] (h ≥ 8·rows + q - 1), on the
    /// network's device (where <paramref name="input"/> must be).
    /// </summary>
    public Tensor Tile(Tensor input, int rows, int cols)
    {
        using var scope = NewDisposeScope();
        var output = empty(new long[] { 64, _classes, rows, cols }, device: input.device);
        var stem = _stem.Apply(input, this);
        // On the CPU, channels-last layout (NHWC strides): oneDNN's convolutions run faster on
        // it, and every later operation keeps it.
        if (_cpu) stem = stem.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        stem.relu_();
        Run(stem, new[] { 0 }, new[] { 0 }, 1, 0, output, rows, cols);
        // output[a·8+b, c, i, j] is pixel (8i + a, 8j + b).
        return output.view(8, 8, _classes, rows, cols).permute(2, 3, 0, 4, 1)
            .reshape(_classes, rows * 8, cols * 8).MoveToOuterDisposeScope();
    }

    /// <summary>Maps [n, C, h, w]; map p holds positions (offY[p] + stride·i, offX[p] + stride·j).</summary>
    private void Run(Tensor maps, int[] offY, int[] offX, int stride, int next, Tensor output, int rows, int cols)
    {
        for (int b = next; b < _blocks.Count; b++)
        {
            var block = _blocks[b];
            if (block.Stride == 1)
            {
                var y = Forward(block, maps, split: false)[0];
                maps.Dispose();
                maps = y;
                continue;
            }
            // Split: each map becomes four, at input offsets (u,v) ∈ {0,1}², i.e. positions
            // shifted by (u,v)·stride; then go on, on the CPU in groups small enough for glibc's
            // allocator to reuse their memory, elsewhere all at once. Each offset's maps go on as
            // views of the block's output (cropped to the common size; no concatenated copy).
            var parts = Forward(block, maps, split: true);
            maps.Dispose();
            long h = parts.Min(t => t.shape[2]), w = parts.Min(t => t.shape[3]);
            int m = offY.Length;
            long largest = parts[0].shape[1];
            for (int k = b + 1; k < _blocks.Count && _blocks[k].Stride == 1; k++) largest = Math.Max(largest, _blocks[k].OutputChannels);
            if (!_cpu)
            {
                // Off the CPU: all 4·m maps at once, one convolution per layer.
                var all = cat(parts.Select(t => t.narrow(2, 0, h).narrow(3, 0, w)).ToList(), 0);
                foreach (var t in parts) t.Dispose();
                var allY = new int[4 * m];
                var allX = new int[4 * m];
                for (int uv = 0; uv < 4; uv++)
                    for (int p = 0; p < m; p++)
                    {
                        allY[uv * m + p] = offY[p] + stride * (uv / 2);
                        allX[uv * m + p] = offX[p] + stride * (uv % 2);
                    }
                Run(all, allY, allX, stride * 2, b + 1, output, rows, cols);
                return;
            }
            int group = (int)Math.Clamp(ImageClassifier.ChunkBytes / Math.Max(1, largest * h * w * 4), 1, m);
            for (int uv = 0; uv < 4; uv++)
            {
                var part = parts[uv].narrow(2, 0, h).narrow(3, 0, w);
                var newY = offY.Select(y => y + stride * (uv / 2)).ToArray();
                var newX = offX.Select(x => x + stride * (uv % 2)).ToArray();
                for (int g = 0; g < m; g += group)
                {
                    int count = Math.Min(group, m - g);
                    using var groupScope = NewDisposeScope();
                    Run(part.narrow(0, g, count), newY[g..(g + count)], newX[g..(g + count)], stride * 2, b + 1, output, rows, cols);
                }
                part.Dispose();
                parts[uv].Dispose(); // this offset's maps are done: free them before the next offset's run
            }
            return;
        }
        // All blocks done: total stride 8, one map per offset. Classify every position.
        if (stride != 8) throw new InvalidOperationException($"BagNet total stride is {stride}, not 8");
        using var scope = NewDisposeScope();
        var features = maps.narrow(2, 0, rows).narrow(3, 0, cols);
        long count2 = features.shape[0];
        var flat = features.permute(0, 2, 3, 1).reshape(-1, features.shape[1]);
        MultiplyAccumulates += flat.shape[0] * flat.shape[1] * _classes;
        var logits = (_cpu ? EvalFusion.OrderedLinear(flat, _classWeight, _classBias) : nn.functional.linear(flat, _classWeight, _classBias)).view(count2, rows, cols, _classes).permute(0, 3, 1, 2);
        for (int p = 0; p < count2; p++) output[offY[p] * 8 + offX[p]].copy_(logits[p]);
        maps.Dispose();
    }

    /// <summary>
    /// The block on x, or with <paramref name="split"/> on x[:, :, u:, v:] for (u,v) = (0,0),
    /// (0,1), (1,0), (1,1); large intermediates are freed as soon as they are used.
    /// </summary>
    private Tensor[] Forward(Block block, Tensor x, bool split)
    {
        using var scope = NewDisposeScope();
        var a = block.Layers[0].Apply(x, this, relu: true); // 1×1, stride 1: shifting commutes with it
        var outputs = new Tensor[split ? 4 : 1];
        for (int uv = 0; uv < outputs.Length; uv++)
        {
            int u = uv / 2, v = uv % 2;
            var c = block.Layers[1].Apply(Shift(a, u, v), this, relu: true);
            var o = block.Layers[2].Apply(c, this);
            c.Dispose();
            var xs = Shift(x, u, v);
            outputs[uv] = Bottleneck.Join(o, block.Shortcut is null ? xs : block.Shortcut.Apply(xs, this));
        }
        a.Dispose();
        foreach (var t in outputs) t.MoveToOuterDisposeScope();
        return outputs;
    }

    private static Tensor Shift(Tensor x, int u, int v) =>
        u == 0 && v == 0 ? x : x.narrow(2, u, x.shape[2] - u).narrow(3, v, x.shape[3] - v);
}
