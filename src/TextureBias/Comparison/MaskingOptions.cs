using TextureBias.Attribution;

namespace TextureBias.Comparison;

/// <summary>Options of the masking experiment (<see cref="FeatureSensitivity"/>).</summary>
public sealed record MaskingOptions
{
    /// <summary>The side of the square patches (a centred grid of whole patches covers the image).</summary>
    public int Patch { get; init; } = 33;

    /// <summary>How many of the top-ranked patches are masked, one measurement each.</summary>
    public IReadOnlyList<int> Steps { get; init; } = [0, 1, 2, 4, 8, 16, 32];

    /// <summary>What masked patches show, in the network's input space (<see cref="AttributionBaseline.Zero"/>: the mean colour).</summary>
    public AttributionBaseline Fill { get; init; } = AttributionBaseline.Zero;

    /// <summary>How the own heatmaps are computed (baseline, steps, batch size).</summary>
    public AttributionOptions Attribution { get; init; } = new();

    /// <summary>Seed of the random ranking.</summary>
    public int Seed { get; init; }

    /// <summary>At most this many images, spread evenly over the folder's sorted list (0: all).</summary>
    public int MaxImages { get; init; }
}
