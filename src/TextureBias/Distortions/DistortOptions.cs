namespace TextureBias.Distortions;

/// <summary>Options of a folder distortion job (<see cref="DatasetDistorter"/>).</summary>
public sealed record DistortOptions
{
    /// <summary>This job's part k of <see cref="ShardCount"/> (1-based); images are dealt round-robin in sorted order.</summary>
    public int ShardIndex { get; init; } = 1;

    /// <summary>The number of parts the job is split into.</summary>
    public int ShardCount { get; init; } = 1;

    /// <summary>
    /// When set, every image's noise at every level is numpy's <c>RandomState(seed)</c> stream from its start,
    /// so each output equals the reference's function called with <c>np.random.RandomState(seed)</c>
    /// (and, for phase scrambling, after <c>np.random.seed(seed)</c>); all images then share one noise pattern.
    /// </summary>
    public long? NumpySeed { get; init; }

    /// <summary>Seed of our own generator (used when <see cref="NumpySeed"/> is null): noise depends on it, the image's relative path and the level.</summary>
    public int Seed { get; init; } = 0;

    /// <summary>Worker threads (0: one per core).</summary>
    public int Workers { get; init; }

    /// <summary>How values become 8-bit pixels.</summary>
    public PixelQuantisation Quantisation { get; init; } = PixelQuantisation.Round;
}
