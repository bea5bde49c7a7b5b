using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Training;

/// <summary>The check both trainers make before saving: that no weight became NaN or infinite.</summary>
internal static class NonFiniteWeights
{
    /// <summary>The name of the first parameter holding a NaN or an infinity, or null.</summary>
    public static string? FirstIn(nn.Module model)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, p) in model.named_parameters())
            if (!p.detach().isfinite().all().item<bool>()) return name;
        return null;
    }
}
