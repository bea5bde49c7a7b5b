using TextureBias.Attribution;

namespace TextureBias.Comparison;

/// <summary>
/// How interactions between image parts are measured (<see cref="Interactions"/>). The BagNet paper does not give its
/// protocol (patch size, number and placement of patches, mask value); these are this tool's choices, all adjustable.
/// </summary>
public sealed record InteractionOptions
{
    /// <summary>Side of the square patches in input pixels (after resize and crop).</summary>
    public int Patch { get; init; } = 33;

    /// <summary>Pairs of patches per image, spread evenly over the gap bins the image can hold.</summary>
    public int PairsPerImage { get; init; } = 200;

    /// <summary>Lower edges of the gap bins in pixels, increasing: bin b holds gaps in [edge b, edge b+1), the last one every larger gap.</summary>
    public IReadOnlyList<int> BinEdges { get; init; } = [0, 8, 16, 32, 48, 64, 96, 128];

    /// <summary>Seed of the pair placement (with the image's position in the list: the same pairs for every model).</summary>
    public int Seed { get; init; }

    /// <summary>
    /// What a masked patch is filled with: <see cref="AttributionBaseline.Zero"/> (0 in the network's input space, the dataset's
    /// mean colour, as BagNet's heatmap padding), <see cref="AttributionBaseline.Mean"/> (the image's mean colour) or
    /// <see cref="AttributionBaseline.Blur"/> (a Gaussian blur of the image).
    /// </summary>
    public AttributionBaseline Fill { get; init; } = AttributionBaseline.Zero;

    /// <summary>Standard deviation in pixels of the blur fill.</summary>
    public double BlurSigma { get; init; } = 10;

    /// <summary>Whether the statistics run over every logit (else over the target class's logit only).</summary>
    public bool AllLogits { get; init; }

    /// <summary>Whether <see cref="InteractionResult.Pairs"/> keeps every pair (false: only the per-bin statistics, for long runs).</summary>
    public bool KeepPairs { get; init; } = true;

    /// <summary>Network inputs per forward pass (the masked copies of one image run in chunks of this many).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Refuses options that cannot be measured with.</summary>
    /// <exception cref="TextureBiasException">A value out of range, named as on the command line.</exception>
    public void Validate()
    {
        if (Patch < 1) throw new TextureBiasException("--patch must be at least 1 pixel");
        if (PairsPerImage < 1) throw new TextureBiasException("--pairs must be at least 1");
        if (BatchSize < 1) throw new TextureBiasException("--batch must be at least 1");
        if (!(BlurSigma > 0)) throw new TextureBiasException("--blur-sigma must be positive");
        if (BinEdges.Count == 0) throw new TextureBiasException("--bins needs at least one edge");
        if (BinEdges[0] < 0) throw new TextureBiasException("--bins: gaps start at 0 (overlapping patches are not measured)");
        for (int i = 1; i < BinEdges.Count; i++)
            if (BinEdges[i] <= BinEdges[i - 1]) throw new TextureBiasException($"--bins must increase ({BinEdges[i - 1]} then {BinEdges[i]})");
    }
}
