namespace TextureBias.Attribution;

/// <summary>
/// The network work of an attribution method per image, in forward passes (for benchmarks'
/// GFLOP/s). A backward pass to the input counts as one forward pass: the weights' gradients
/// are not computed, so it is about as much work.
/// </summary>
internal static class AttributionCost
{
    /// <summary>
    /// Forward-pass equivalents per image of <paramref name="method"/> on an
    /// <paramref name="height"/>×<paramref name="width"/> image; null for the BagNet method (a
    /// dense heatmap, not whole-image passes).
    /// </summary>
    public static double? ForwardPasses(AttributionMethod method, AttributionOptions options, int height, int width) => method switch
    {
        AttributionMethod.GradientInput => 2, // forward and backward
        AttributionMethod.IntegratedGradients => 2.0 * GaussLegendre.Path(options.Rule, options.Steps).Alphas.Length,
        AttributionMethod.DeepLift => 4, // the input and its reference in one batch, forward and backward
        AttributionMethod.Occlusion => 1 + Windows(height, options.Window, options.Stride) * (double)Windows(width, options.Window, options.Stride),
        _ => null,
    };

    private static long Windows(int side, int window, int stride) =>
        window < 1 || stride < 1 || window > side ? 0 : (side - window) / stride + 1;
}
