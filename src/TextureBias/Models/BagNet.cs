using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Models;

/// <summary>
/// BagNet (Brendel &amp; Bethge, ICLR 2019): a ResNet-50-like network whose units see only q×q
/// pixel patches (q = 9, 17 or 33). Every convolution is unpadded and the total stride is 8,
/// so the feature at grid cell (i,j) depends only on the patch with top-left corner (8i,8j).
/// The image logits are the mean of the patch logits, i.e. a linear classifier on the average
/// of the local features. Layer by layer as <c>bagnets/pytorchnet.py</c> of the reference code,
/// including its state_dict keys and the bottom/right crop of the residual.
/// </summary>
public sealed class BagNet : ImageClassifier
{
    // Fields are named exactly like the reference state_dict keys.
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Linear fc;

    /// <summary>BagNet-9: 3×3 convolutions in the first block of layer1 and layer2 (kernel3 = [1,1,0,0]).</summary>
    public static BagNet BagNet9(int numClasses = 1000, int width = 64) => new("bagnet9", new[] { 1, 1, 0, 0 }, numClasses, width);

    /// <summary>BagNet-17: 3×3 in the first block of layers 1–3 (kernel3 = [1,1,1,0]).</summary>
    public static BagNet BagNet17(int numClasses = 1000, int width = 64) => new("bagnet17", new[] { 1, 1, 1, 0 }, numClasses, width);

    /// <summary>BagNet-33: 3×3 in the first block of all four layers (kernel3 = [1,1,1,1]).</summary>
    public static BagNet BagNet33(int numClasses = 1000, int width = 64) => new("bagnet33", new[] { 1, 1, 1, 1 }, numClasses, width);

    /// <summary>
    /// Builds a BagNet. <paramref name="kernel3"/>[s] = k gives the first k blocks of stage s
    /// 3×3 convolutions. <paramref name="width"/> is the stem width (64 in the paper; smaller
    /// values make small networks for tests and experiments).
    /// </summary>
    public BagNet(string name, int[] kernel3, int numClasses = 1000, int width = 64, int[]? layers = null) : base(name, numClasses)
    {
        layers ??= new[] { 3, 4, 6, 3 };
        if (kernel3.Length != 4 || layers.Length != 4) throw new ArgumentException("kernel3 and layers need four stages");
        Kernel3 = (int[])kernel3.Clone();
        int[] strides = { 2, 2, 2, 1 }; // the factory functions' strides, not the constructor default

        conv1 = Conv2d(3, width, 1, stride: 1, padding: 0L, bias: false);
        conv2 = Conv2d(width, width, 3, stride: 1, padding: 0L, bias: false);
        bn1 = BatchNorm2d(width, eps: 1e-5, momentum: 0.001);
        int inplanes = width;
        Sequential MakeLayer(int planes, int blocks, int stride, int k3)
        {
            var seq = Sequential();
            for (int i = 0; i < blocks; i++)
            {
                int kernel = i == 0 ? (k3 == 0 ? 1 : 3) : (k3 <= i ? 1 : 3);
                int s = i == 0 ? stride : 1;
                bool down = i == 0 && (stride != 1 || inplanes != planes * Bottleneck.Expansion);
                seq.append(new Bottleneck(inplanes, planes, s, kernel, padding: 0, down));
                inplanes = planes * Bottleneck.Expansion;
            }
            return seq;
        }
        layer1 = MakeLayer(width, layers[0], strides[0], kernel3[0]);
        layer2 = MakeLayer(width * 2, layers[1], strides[1], kernel3[1]);
        layer3 = MakeLayer(width * 4, layers[2], strides[2], kernel3[2]);
        layer4 = MakeLayer(width * 8, layers[3], strides[3], kernel3[3]);
        fc = Linear(width * 8 * Bottleneck.Expansion, numClasses);
        RegisterComponents();

        // Reference initialisation: conv weights ~ N(0, sqrt(2 / (k*k*out))), BN weight 1, bias 0;
        // fc keeps PyTorch's default.
        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
        {
            if (m is Conv2d c)
            {
                var w = c.weight!;
                double n = w.shape[2] * w.shape[3] * w.shape[0];
                w.normal_(0, Math.Sqrt(2.0 / n));
            }
            else if (m is BatchNorm2d bn)
            {
                bn.weight!.fill_(SafeScalars.One);
                bn.bias!.zero_();
            }
        }
    }

    /// <summary>How many of the first blocks of each stage use 3×3 convolutions.</summary>
    public IReadOnlyList<int> Kernel3 { get; }

    /// <summary>The side q of the patch one output unit sees (9, 17 or 33 for the paper's models).</summary>
    public int ReceptiveField
    {
        get
        {
            int rf = 3, jump = 1;
            int[] strides = { 2, 2, 2, 1 };
            for (int s = 0; s < 4; s++)
            {
                // Block 0's 3×3 conv carries the stride, so it sees the stage's input spacing;
                // later 3×3 blocks see the strided spacing.
                if (Kernel3[s] > 0) rf += 2 * jump + 2 * jump * strides[s] * (Kernel3[s] - 1);
                jump *= strides[s];
            }
            return rf;
        }
    }

    /// <summary>The distance in pixels between neighbouring patches (the total stride, 8).</summary>
    public int PatchStride => 8;

    /// <inheritdoc />
    public override int MinimumInputSize => ReceptiveField;

    /// <inheritdoc />
    internal override MacCount Profile(int height, int width)
    {
        long h = height, w = width;
        var count = new MacCount();
        count.Conv(conv1, ref h, ref w);
        count.Conv(conv2, ref h, ref w);
        foreach (var layer in new[] { layer1, layer2, layer3, layer4 })
            foreach (var block in layer.children().Cast<Bottleneck>())
                block.Profile(count, ref h, ref w);
        count.Linear(fc);
        return count;
    }

    /// <summary>The feature map [N,C,H',W'] before the classifier: one feature vector per patch.</summary>
    public Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (training || Nonlinearities.Traced)
        {
            x = conv1.forward(x);
            x = conv2.forward(x);
            x = bn1.Normalize(x);
            x = Nonlinearities.Relu(x);
            x = layer4.forward(layer3.forward(layer2.forward(layer1.forward(x))));
            return x.MoveToOuterDisposeScope();
        }
        // Inference: the same operations, with every large intermediate freed as soon as it is used.
        var h = Stem(x);
        foreach (var block in Blocks)
        {
            var next = block.forward(h);
            h.Dispose();
            h = next;
        }
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>Eval mode: conv1, conv2, bn1, ReLU.</summary>
    internal Tensor Stem(Tensor x)
    {
        var stem = EvalFusion.ChannelsLast(conv1.forward(x)); // channels-last from here: faster convolutions, batch norms folded
        var h = EvalFusion.ConvBn(conv2, bn1, stem, relu: true);
        stem.Dispose();
        return h;
    }

    /// <summary>The bottleneck blocks of layer1..layer4 in order.</summary>
    internal IEnumerable<Bottleneck> Blocks =>
        new[] { layer1, layer2, layer3, layer4 }.SelectMany(l => l.children().Cast<Bottleneck>());

    /// <summary>The stem's layers: conv1 (1×1), conv2 (3×3) and bn1.</summary>
    internal (Conv2d First, Conv2d Second, BatchNorm2d Norm) StemLayers => (conv1, conv2, bn1);

    /// <summary>The linear classifier on the 2048-dimensional (4·8·width) patch features.</summary>
    internal Linear Classifier => fc;

    /// <summary>
    /// The image logits [N,classes]: the classifier applied to the spatial mean of the patch
    /// features, which equals the mean of the per-patch logits. (The reference averages with a
    /// square kernel of the map's height and so only accepts square inputs; this pools over the
    /// whole map, the same numbers on square inputs.)
    /// </summary>
    protected override Tensor ForwardBatch(Tensor x)
    {
        using var scope = NewDisposeScope();
        var f = Features(x);
        // Average pooling over the whole map, as the reference's AvgPool2d(kernel = map height):
        // the same summation order, hence the same float32 result (a mean() sums differently).
        var pooled = functional.avg_pool2d(f, new[] { f.shape[2], f.shape[3] }, new long[] { 1, 1 }).flatten(1);
        return (training || Nonlinearities.Traced ? fc.forward(pooled) : EvalFusion.OrderedLinear(fc, pooled)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The per-patch logits in NCHW layout, [N,classes,H',W'] (the reference's
    /// <c>avg_pool=False</c> path returns the same values as NHWC). Cell (i,j) holds the logits
    /// of the q×q patch whose top-left corner is pixel (8i, 8j).
    /// </summary>
    public Tensor PatchLogits(Tensor x)
    {
        using var scope = NewDisposeScope();
        var nhwc = Features(x).permute(0, 2, 3, 1);
        return fc.forward(nhwc).permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }
}
