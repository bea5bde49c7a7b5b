using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>How a network's nonlinearities are computed and differentiated during an attribution (<see cref="Nonlinearities"/>).</summary>
public interface IActivationRule
{
    /// <summary>ReLU of <paramref name="x"/> (a new tensor: the input may be needed for the gradient).</summary>
    Tensor Relu(Tensor x);

    /// <summary>Max-pooling of <paramref name="x"/> with <paramref name="pool"/>'s kernel, stride, padding, dilation and ceil mode.</summary>
    Tensor MaxPool(MaxPool2d pool, Tensor x);
}
