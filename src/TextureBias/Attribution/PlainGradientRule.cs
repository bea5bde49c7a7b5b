using TextureBias.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Attribution;

/// <summary>The networks' own nonlinearities with their ordinary gradients, computed out of place (gradient × input, integrated gradients).</summary>
internal sealed class PlainGradientRule : IActivationRule
{
    public Tensor Relu(Tensor x) => functional.relu(x);

    public Tensor MaxPool(MaxPool2d pool, Tensor x) => pool.forward(x);
}
