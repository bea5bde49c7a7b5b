using static TorchSharp.torch;

namespace TextureBias.Data;

/// <summary>A batch of preprocessed images: the network input [N,3,H,W] and each image's path.</summary>
/// <param name="Input">Normalised float32 input; the consumer disposes it.</param>
/// <param name="Paths">The images, in input order.</param>
public sealed record ImageBatch(Tensor Input, IReadOnlyList<string> Paths) : IDisposable
{
    /// <summary>Disposes the input tensor.</summary>
    public void Dispose() => Input.Dispose();
}
