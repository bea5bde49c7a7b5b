namespace TextureBias.Style;

/// <summary>Settings of Gatys et al.'s texture synthesis (and of the texture loss of their style transfer).</summary>
public sealed record TextureSynthesisOptions
{
    /// <summary>The layers whose Gram matrices are matched by default: the first ReLU of each of VGG-19's five stages.</summary>
    public static IReadOnlyList<string> DefaultLayers { get; } = new[] { "relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1" };

    /// <summary>Side of the (square) output; the source is resized (shorter side) and centre-cropped to it, 0 keeps the source's size.</summary>
    public int Size { get; init; } = 224;

    /// <summary>Loss evaluations (L-BFGS iterations; the last step may run a few more, as in Gatys' code).</summary>
    public int Iterations { get; init; } = 300;

    /// <summary>VGG-19 layers whose Gram matrices are matched (any of relu1_1 … relu5_4).</summary>
    public IReadOnlyList<string> Layers { get; init; } = DefaultLayers;

    /// <summary>Seed of the starting noise.</summary>
    public int Seed { get; init; }
}
