using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

using TextureBias.Models;

namespace TextureBias.Style;

/// <summary>
/// The "normalised VGG-19" encoder of AdaIN (<c>vgg_normalised.pth</c>): one flat Sequential of
/// 53 modules, as pytorch-AdaIN's <c>net.vgg</c>, keys <c>&lt;index&gt;.weight</c>/<c>.bias</c>.
/// Module 0 is a 1×1 3→3 convolution inserted when the Caffe model was converted (it takes
/// plain [0,1] RGB, no ImageNet normalisation); every 3×3 convolution is preceded by a
/// reflection pad of 1; max-pools round up (ceil mode). AdaIN uses it up to relu4_1
/// (modules 0–30); all 16 3×3 convolutions are kept for texture synthesis. A reflection pad
/// needs at least 2 pixels, and each max-pool halves the side, so an image must have a side of
/// at least <see cref="MinimumSide"/> to reach a layer (9 pixels for relu4_1, 17 for relu5_x).
/// </summary>
public sealed class VggEncoder : nn.Module<Tensor, Tensor>
{
    // Stages of VGG-19: 2, 2, 4, 4, 4 convolutions; max-pools between them (not after the last).
    private static readonly int[][] Config =
    {
        new[] { 64, 64 }, new[] { 128, 128 }, new[] { 256, 256, 256, 256 }, new[] { 512, 512, 512, 512 }, new[] { 512, 512, 512, 512 },
    };

    /// <summary>Index of the last module of relu1_1, relu2_1, relu3_1 and relu4_1.</summary>
    public static IReadOnlyList<int> AdaInLayers { get; } = new[] { 3, 10, 17, 30 };

    /// <summary>Index of relu4_1, the last module AdaIN uses (<see cref="forward"/>).</summary>
    public const int AdaInLast = 30;

    // Module indices of the max-pools (7, 14, 27, 40) and of the 3×3 convolutions.
    private static readonly (int[] Pools, int[] Convs) Layout = BuildLayout();

    /// <summary>Names of the ReLU modules by index (relu1_1 … relu5_4).</summary>
    public static IReadOnlyDictionary<string, int> ReluIndex { get; } = BuildReluIndex();

    // Children are registered as "0", "1", ... on this module itself, so keys are "0.weight" as in the file.
    private readonly List<nn.Module<Tensor, Tensor>> layers = new();

    /// <summary>Builds the encoder with PyTorch's default initialisation (load the weights after).</summary>
    public VggEncoder() : base("vgg_normalised")
    {
        Add(Conv2d(3, 3, 1));
        int channels = 3;
        foreach (var block in Config)
        {
            foreach (var c in block)
            {
                Add(ReflectionPad2d(1));
                Add(Conv2d(channels, c, 3));
                Add(ReLU());
                channels = c;
            }
            if (layers.Count < 53) Add(MaxPool2d(2, stride: 2, ceil_mode: true));
        }
    }

    /// <summary>Loads <c>vgg_normalised.pth</c> (all 17 convolutions; legacy or zip PyTorch format, or safetensors), in eval mode.</summary>
    /// <exception cref="Models.Serialization.WeightFileException">The file is unreadable or is not this network.</exception>
    public static VggEncoder Load(string path)
    {
        var encoder = new VggEncoder();
        try
        {
            Models.Serialization.ModelWeights.Load(encoder, path);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
        encoder.eval();
        return encoder;
    }

    private static (int[], int[]) BuildLayout()
    {
        var pools = new List<int>();
        var convs = new List<int>();
        int index = 1; // module 0 is the 1×1 conv
        for (int stage = 0; stage < Config.Length; stage++)
        {
            foreach (var _ in Config[stage])
            {
                convs.Add(index + 1);
                index += 3;
            }
            if (stage < Config.Length - 1) pools.Add(index++);
        }
        return (pools.ToArray(), convs.ToArray());
    }

    /// <summary>
    /// The smallest side (width and height) of an image that can pass modules 0..<paramref name="last"/>:
    /// the reflection pad before a 3×3 convolution needs 2 pixels, and each max-pool before it
    /// halves the side, rounding up, so 2^pools + 1: 2 for relu1_x, 3 for relu2_x, 5 for
    /// relu3_x, 9 for relu4_x (AdaIN), 17 for relu5_x.
    /// </summary>
    public static int MinimumSide(int last)
    {
        int deepestConv = Layout.Convs.Where(c => c <= last).DefaultIfEmpty(-1).Max();
        if (deepestConv < 0) return 1;
        return (1 << Layout.Pools.Count(p => p < deepestConv)) + 1;
    }

    /// <summary>The name of module <paramref name="index"/> if it is a ReLU (relu4_1), else "module N".</summary>
    public static string LayerName(int index) =>
        ReluIndex.FirstOrDefault(kv => kv.Value == index).Key ?? $"module {index}";

    /// <summary>
    /// Null when an image of <paramref name="width"/>×<paramref name="height"/> can pass modules
    /// 0..<paramref name="last"/>; else why not, in words ("image is 16x12, smaller than the 17
    /// pixels VGG-19 needs up to relu5_1").
    /// </summary>
    public static string? SizeProblem(long width, long height, int last)
    {
        int minimum = MinimumSide(last);
        return Math.Min(width, height) >= minimum ? null
            : $"image is {width}x{height}, smaller than the {minimum} pixels VGG-19 needs up to {LayerName(last)}";
    }

    private static void CheckSize(Tensor x, int last)
    {
        if (x.dim() == 4 && SizeProblem(x.shape[3], x.shape[2], last) is { } problem) throw new TextureBiasException(problem);
    }

    private static Dictionary<string, int> BuildReluIndex()
    {
        var result = new Dictionary<string, int>();
        int index = 0; // module 0 is the 1×1 conv
        for (int stage = 0; stage < Config.Length; stage++)
        {
            for (int i = 0; i < Config[stage].Length; i++)
            {
                index += 3;
                result[$"relu{stage + 1}_{i + 1}"] = index;
            }
            index += 1; // max-pool
        }
        return result;
    }

    /// <summary>The number of modules (53).</summary>
    public int Count => layers.Count;

    /// <summary>The output of modules 0..30 (relu4_1), the AdaIN feature.</summary>
    public override Tensor forward(Tensor x) => Run(x, AdaInLast);

    /// <summary>
    /// The output of modules 0..<paramref name="last"/>. In eval mode without gradients, each
    /// activation is freed as soon as the next exists and large batches run in chunks (see
    /// <see cref="Models.ImageClassifier.ChunkBytes"/>); the results are the same.
    /// </summary>
    /// <exception cref="TextureBiasException">The image is smaller than <see cref="MinimumSide"/>.</exception>
    public Tensor Run(Tensor x, int last)
    {
        CheckSize(x, last);
        using var scope = NewDisposeScope();
        if (training || is_grad_enabled())
        {
            for (int i = 0; i <= last; i++)
                x = layers[i].forward(x);
            return x.MoveToOuterDisposeScope();
        }
        return EvalChunks.Map(x, 64L * x.shape[2] * x.shape[3] * 4, chunk =>
        {
            // Channels-last inside (oneDNN's fast layout on the CPU), the usual layout outside.
            var h = Models.EvalFusion.ChannelsLast(chunk);
            for (int i = 0; i <= last; i++)
            {
                var next = layers[i].forward(h);
                if (!ReferenceEquals(h, chunk)) h.Dispose();
                h = next;
            }
            return h.contiguous();
        }).MoveToOuterDisposeScope();
    }

    /// <summary>The outputs after each of <paramref name="lasts"/> (ascending module indices), in one pass.</summary>
    /// <exception cref="TextureBiasException">The image is smaller than <see cref="MinimumSide"/>.</exception>
    public Tensor[] Features(Tensor x, IReadOnlyList<int> lasts)
    {
        CheckSize(x, lasts[^1]);
        using var scope = NewDisposeScope();
        var result = new Tensor[lasts.Count];
        int next = 0;
        for (int i = 0; i <= lasts[^1]; i++)
        {
            x = layers[i].forward(x);
            if (i == lasts[next]) result[next++] = x;
        }
        foreach (var t in result) t.MoveToOuterDisposeScope();
        return result;
    }

    private void Add(nn.Module<Tensor, Tensor> layer)
    {
        register_module(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        layers.Add(layer);
    }
}
