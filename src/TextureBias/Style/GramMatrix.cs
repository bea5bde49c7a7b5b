using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// The Gram matrix of Gatys et al.'s texture model: the channel-by-channel inner products of a
/// feature map, divided by its number of positions (as in Gatys' PytorchNeuralStyleTransfer), so
/// that it measures which features occur together regardless of where.
/// </summary>
public static class GramMatrix
{
    /// <summary>G[n] = F·Fᵀ / (H·W) for features [N,C,H,W], F being the [C, H·W] features of image n; returns [N,C,C] on the features' device.</summary>
    public static Tensor Of(Tensor features)
    {
        if (features.dim() != 4) throw new ArgumentException($"expected features [N,C,H,W], got [{string.Join(",", features.shape)}]");
        using var scope = NewDisposeScope();
        long n = features.shape[0], c = features.shape[1], positions = features.shape[2] * features.shape[3];
        var f = features.reshape(n, c, positions);
        return bmm(f, f.transpose(1, 2)).div(tensor((float)positions, device: features.device)).MoveToOuterDisposeScope();
    }
}
