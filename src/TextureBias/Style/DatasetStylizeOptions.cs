namespace TextureBias.Style;

/// <summary>Settings of a dataset stylisation job.</summary>
public sealed record DatasetStylizeOptions
{
    /// <summary>The recipe (sizes, style preprocessing, naming).</summary>
    public StyleRecipe Recipe { get; init; } = StyleRecipe.Sin;

    /// <summary>stylize-datasets: shorter side of the content images (0 keeps the size; the SIN recipe fixes Resize 256 + CenterCrop 224).</summary>
    public int ContentSize { get; init; }

    /// <summary>stylize-datasets: shorter side of the styles (the SIN recipe fixes 224×224 squares).</summary>
    public int StyleSize { get; init; } = 512;

    /// <summary>Seed of the style choice (Stylized-ImageNet's 49809 by default).</summary>
    public int Seed { get; init; } = 49809;

    /// <summary>Styles per content image (one output each); Stylized-ImageNet uses 1.</summary>
    public int NumStyles { get; init; } = 1;

    /// <summary>Content–style trade-off.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Output format: "png" or "jpg"; null keeps the recipe's (SIN: png; stylize-datasets: the content's).</summary>
    public string? Format { get; init; }

    /// <summary>This job's part, 1-based: shard k of N takes the content images whose index i (in sorted order) has i mod N = k − 1.</summary>
    public int ShardIndex { get; init; } = 1;

    /// <summary>Number of shards.</summary>
    public int ShardCount { get; init; } = 1;

    /// <summary>Decoding/encoding threads (0: the number of cores).</summary>
    public int Workers { get; init; }

    /// <summary>Content images per forward pass.</summary>
    public int Batch { get; init; } = 8;

    /// <summary>Where style statistics are cached (default: &lt;out-dir&gt;/.style-cache).</summary>
    public string? StyleCache { get; init; }
}
