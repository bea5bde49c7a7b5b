namespace TextureBias.Attribution;

/// <summary>Options of an attribution (<see cref="Attributions"/>).</summary>
public sealed record AttributionOptions
{
    /// <summary>The reference input of integrated gradients, DeepLIFT and occlusion.</summary>
    public AttributionBaseline Baseline { get; init; } = AttributionBaseline.Zero;

    /// <summary>Standard deviation in pixels of the <see cref="AttributionBaseline.Blur"/> baseline.</summary>
    public double BlurSigma { get; init; } = 10;

    /// <summary>Integrated gradients: the number of points on the path.</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Integrated gradients: where the points are and how they are weighted.</summary>
    public IntegrationRule Rule { get; init; } = IntegrationRule.GaussLegendre;

    /// <summary>Occlusion: the side of the square window.</summary>
    public int Window { get; init; } = 16;

    /// <summary>Occlusion: the step between windows.</summary>
    public int Stride { get; init; } = 8;

    /// <summary>How many network inputs go through the network at once (path points, occluded copies).</summary>
    public int BatchSize { get; init; } = 16;
}
