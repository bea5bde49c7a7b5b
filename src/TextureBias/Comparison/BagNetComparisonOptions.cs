namespace TextureBias.Comparison;

/// <summary>Options of the BagNet paper's comparison (<see cref="BagNetComparison"/>).</summary>
public sealed record BagNetComparisonOptions
{
    /// <summary>At most this many images, spread evenly over the folder (0: all). Interactions use the first <see cref="InteractionImages"/> of them.</summary>
    public int Images { get; init; } = 500;

    /// <summary>Images of the interaction measurement (601 forward passes each at 200 pairs).</summary>
    public int InteractionImages { get; init; } = 50;

    /// <summary>The masking experiment.</summary>
    public MaskingOptions Masking { get; init; } = new();

    /// <summary>The interaction measurement.</summary>
    public InteractionOptions Interactions { get; init; } = new() { PairsPerImage = 50, KeepPairs = false };

    /// <summary>Images per forward pass in the error-distribution pass.</summary>
    public int BatchSize { get; init; } = 32;
}
