using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Models;

/// <summary>
/// The networks' nonlinearities (ReLU and max-pooling) as one point the attribution methods plug into. Outside an
/// attribution every model runs as always; inside <see cref="Use"/> the models take their plain, differentiable path
/// (eval-mode batch norms, no in-place ReLUs, no fused or chunked inference) and send each ReLU and max-pool through the
/// rule, which may change the gradient (DeepLIFT's Rescale rule) but never the forward values.
/// </summary>
public static class Nonlinearities
{
    [ThreadStatic] private static IActivationRule? _rule;

    /// <summary>Whether a rule is in use on this thread (the models then run their differentiable path).</summary>
    public static bool Traced => _rule is not null;

    /// <summary>Uses <paramref name="rule"/> on this thread until the result is disposed.</summary>
    public static IDisposable Use(IActivationRule rule)
    {
        var previous = _rule;
        _rule = rule;
        return new Restore(previous);
    }

    /// <summary>ReLU: in place outside an attribution (as the networks always did), else the rule's.</summary>
    public static Tensor Relu(Tensor x) => _rule is { } r ? r.Relu(x) : functional.relu(x, inplace: true);

    /// <summary>Max-pooling with <paramref name="pool"/>'s settings: the module outside an attribution, else the rule's.</summary>
    public static Tensor MaxPool(MaxPool2d pool, Tensor x) => _rule is { } r ? r.MaxPool(pool, x) : pool.forward(x);

    /// <summary>A <see cref="Sequential"/> of layers run one by one, its ReLUs and max-pools through <see cref="Relu"/> and <see cref="MaxPool"/>.</summary>
    public static Tensor Sequential(Sequential layers, Tensor x)
    {
        foreach (var layer in layers.children())
            x = layer switch
            {
                TorchSharp.Modules.ReLU => Relu(x),
                MaxPool2d pool => MaxPool(pool, x),
                _ => ((nn.Module<Tensor, Tensor>)layer).forward(x),
            };
        return x;
    }

    private sealed class Restore(IActivationRule? previous) : IDisposable
    {
        public void Dispose() => _rule = previous;
    }
}
