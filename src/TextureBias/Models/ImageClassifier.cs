using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// An image classifier: maps a normalised batch [N,3,H,W] to logits [N,classes]. The field
/// names of subclasses follow the PyTorch state_dict keys, so official weights load unchanged.
/// </summary>
public abstract class ImageClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module with its architecture name.</summary>
    protected ImageClassifier(string architecture, int numClasses) : base(architecture)
    {
        Architecture = architecture;
        NumClasses = numClasses;
    }

    /// <summary>The architecture's name (bagnet33, resnet50, ...).</summary>
    public string Architecture { get; }

    /// <summary>The number of output classes (1000 for ImageNet).</summary>
    public int NumClasses { get; }

    /// <summary>
    /// How the network is used: class names, evaluation preprocessing, ... as its checkpoint
    /// records them (<see cref="ModelMetadata.None"/> for published weights and fresh networks).
    /// </summary>
    public ModelMetadata Metadata { get; set; } = ModelMetadata.None;

    /// <summary>The name of output <paramref name="index"/> (<see cref="ModelMetadata.NameOf"/>).</summary>
    public string ClassName(int index) => Metadata.NameOf(index, NumClasses);

    /// <summary>A class given by name, index or WNID (<see cref="ModelMetadata.ParseClass"/>).</summary>
    public int ParseClass(string text) => Metadata.ParseClass(text, NumClasses);

    /// <summary>
    /// Freezes the weights for inference until the result is disposed (see <see cref="FrozenWeights"/>):
    /// each convolution followed by a batch norm then keeps its folded weight packed for oneDNN
    /// instead of folding and reordering it on every pass. Same logits; for jobs that only run
    /// the network forward (classification, evaluation, benchmarks).
    /// </summary>
    public FrozenWeights FreezeWeights() => new(FoldedPairs());

    /// <summary>Each convolution directly followed, among its module's children (the root's too), by a batch norm of its output channels.</summary>
    internal IEnumerable<(TorchSharp.Modules.Conv2d, TorchSharp.Modules.BatchNorm2d)> FoldedPairs()
    {
        foreach (var module in modules().Prepend(this))
        {
            nn.Module? previous = null;
            foreach (var (_, child) in module.named_children())
            {
                if (previous is TorchSharp.Modules.Conv2d conv && child is TorchSharp.Modules.BatchNorm2d norm && norm.num_features == conv.out_channels)
                    yield return (conv, norm);
                previous = child;
            }
        }
    }

    /// <summary>The smallest input side the network accepts.</summary>
    public abstract int MinimumInputSize { get; }

    /// <summary>Multiply–accumulate operations of one forward pass on an image of this size (convolutions and linear layers).</summary>
    public long MultiplyAccumulates(int height, int width) => Profile(height, width).Macs;

    /// <summary>Walks the layers for an image of this size (MACs, largest activation).</summary>
    internal abstract MacCount Profile(int height, int width);

    /// <summary>
    /// In eval mode, a batch is run in chunks whose largest activation stays under this many
    /// bytes. glibc serves allocations under 32 MiB from its heap (see <see cref="TorchRuntime"/>)
    /// and reuses them; larger ones are mapped fresh and page-faulted in on every forward pass,
    /// which costs more than the convolutions for networks with large feature maps (BagNets have
    /// no strided stem). Results are the same as for the whole batch. Only on the CPU.
    /// </summary>
    public const long ChunkBytes = 30L << 20;

    /// <summary>
    /// Logits [N,classes] for a normalised batch [N,3,H,W]. In eval mode large batches are split
    /// into chunks (see <see cref="ChunkBytes"/>).
    /// </summary>
    public sealed override Tensor forward(Tensor x)
    {
        long n = x.shape[0];
        // Chunks are for glibc's allocator (CPU memory): on other devices the batch runs whole.
        if (training || Nonlinearities.Traced || n <= 1 || x.dim() != 4 || x.device_type != DeviceType.CPU) return ForwardBatch(x);
        long perImage = Math.Max(1, Profile((int)x.shape[2], (int)x.shape[3]).LargestActivation * 4);
        long chunk = Math.Max(1, ChunkBytes / perImage);
        if (chunk >= n) return ForwardBatch(x);
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long i = 0; i < n; i += chunk)
            parts.Add(ForwardBatch(x.narrow(0, i, Math.Min(chunk, n - i))));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>The network's forward pass on one batch.</summary>
    protected abstract Tensor ForwardBatch(Tensor x);

    /// <summary>
    /// Initialises every parameter and buffer again, as the constructor does, drawing from
    /// <paramref name="generator"/> instead of the global one: a seeded, reproducible start.
    /// Convolutions N(0, √(2/(k·k·out))) (He, fan-out: the BagNet, torchvision ResNet and VGG
    /// initialisation), batch norms 1 and 0 with fresh statistics, linear layers as
    /// <see cref="InitLinear"/>.
    /// </summary>
    public void ResetParameters(Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (_, m) in named_modules())
        {
            switch (m)
            {
                case TorchSharp.Modules.Conv2d c:
                    double fanOut = c.out_channels * c.kernel_size[0] * c.kernel_size[1];
                    c.weight!.normal_(0, Math.Sqrt(2.0 / fanOut), generator);
                    c.bias?.zero_();
                    break;
                case TorchSharp.Modules.BatchNorm2d bn:
                    bn.weight!.fill_(SafeScalars.One);
                    bn.bias!.zero_();
                    bn.running_mean!.zero_();
                    bn.running_var!.fill_(SafeScalars.One);
                    bn.num_batches_tracked?.zero_();
                    break;
                case TorchSharp.Modules.Linear l:
                    InitLinear(l, generator);
                    break;
            }
        }
    }

    /// <summary>PyTorch's default for linear layers: weight and bias uniform in ±1/√fan-in.</summary>
    protected virtual void InitLinear(TorchSharp.Modules.Linear linear, Generator generator)
    {
        double bound = 1 / Math.Sqrt(linear.in_features);
        linear.weight!.uniform_(-bound, bound, generator);
        linear.bias?.uniform_(-bound, bound, generator);
    }
}
