using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

using TextureBias.Models;

namespace TextureBias.Style;

/// <summary>
/// The AdaIN decoder (<c>decoder.pth</c>): 29 modules mirroring the encoder up to relu4_1, with
/// nearest-neighbour ×2 upsampling instead of pooling and reflection padding; keys
/// <c>&lt;index&gt;.weight</c>/<c>.bias</c> at 1, 5, 8, 11, 14, 18, 21, 25, 28. No final
/// activation: the output is not clamped (saving clamps it).
/// </summary>
public sealed class AdaInDecoder : nn.Module<Tensor, Tensor>
{
    // Children are registered as "0", "1", ... on this module itself, so keys are "0.weight" as in the file.
    private readonly List<nn.Module<Tensor, Tensor>> layers = new();

    /// <summary>Builds the decoder with PyTorch's default initialisation.</summary>
    public AdaInDecoder() : base("decoder")
    {
        void Conv(int cin, int cout, bool relu = true)
        {
            Add(ReflectionPad2d(1));
            Add(Conv2d(cin, cout, 3));
            if (relu) Add(ReLU());
        }
        void Up() => Add(Upsample(scale_factor: new[] { 2.0, 2.0 }, mode: UpsampleMode.Nearest));
        Conv(512, 256); Up();
        Conv(256, 256); Conv(256, 256); Conv(256, 256); Conv(256, 128); Up();
        Conv(128, 128); Conv(128, 64); Up();
        Conv(64, 64); Conv(64, 3, relu: false);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (training || is_grad_enabled())
        {
            foreach (var layer in layers) x = layer.forward(x);
            return x.MoveToOuterDisposeScope();
        }
        // Eval without gradients: free each activation early, run large batches in chunks.
        return EvalChunks.Map(x, 64L * 64 * x.shape[2] * x.shape[3] * 4, chunk =>
        {
            // Channels-last inside (oneDNN's fast layout on the CPU), the usual layout outside.
            var h = Models.EvalFusion.ChannelsLast(chunk);
            foreach (var layer in layers)
            {
                var next = layer.forward(h);
                if (!ReferenceEquals(h, chunk)) h.Dispose();
                h = next;
            }
            return h.contiguous();
        }).MoveToOuterDisposeScope();
    }

    private void Add(nn.Module<Tensor, Tensor> layer)
    {
        register_module(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        layers.Add(layer);
    }
}
