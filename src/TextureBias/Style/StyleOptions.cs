namespace TextureBias.Style;

/// <summary>
/// Settings of pytorch-AdaIN's <c>test.py</c> (its defaults): sizes resize the shorter side
/// (0 keeps the size), <see cref="Crop"/> centre-crops to that size, <see cref="Alpha"/> mixes
/// stylised and content features, <see cref="StyleWeights"/> mix several styles (normalised to
/// sum 1), <see cref="PreserveColor"/> recolours the style like the content first.
/// </summary>
public sealed record StyleOptions
{
    /// <summary>Shorter side of the content image (0: keep).</summary>
    public int ContentSize { get; init; } = 512;

    /// <summary>Shorter side of the style images (0: keep).</summary>
    public int StyleSize { get; init; } = 512;

    /// <summary>Centre-crop content and styles to their sizes.</summary>
    public bool Crop { get; init; }

    /// <summary>Content–style trade-off in [0,1]: 1 is full stylisation.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Weights of several styles (null: equal); normalised to sum 1.</summary>
    public IReadOnlyList<double>? StyleWeights { get; init; }

    /// <summary>Keep the content's colours (pytorch-AdaIN's <c>--preserve_color</c>).</summary>
    public bool PreserveColor { get; init; }
}
