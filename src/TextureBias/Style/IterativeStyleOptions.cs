namespace TextureBias.Style;

/// <summary>Settings of Gatys et al.'s iterative style transfer (the defaults of Gatys' PytorchNeuralStyleTransfer).</summary>
public sealed record IterativeStyleOptions
{
    /// <summary>Shorter side of the content and the style image (0 keeps their sizes).</summary>
    public int Size { get; init; } = 512;

    /// <summary>Loss evaluations (L-BFGS iterations).</summary>
    public int Iterations { get; init; } = 500;

    /// <summary>The layer whose features the result shares with the content.</summary>
    public string ContentLayer { get; init; } = "relu4_2";

    /// <summary>The layers whose Gram matrices the result shares with the style.</summary>
    public IReadOnlyList<string> StyleLayers { get; init; } = TextureSynthesisOptions.DefaultLayers;

    /// <summary>Multiplies the style loss (whose layer weights are 1000/C²).</summary>
    public double StyleWeight { get; init; } = 1;

    /// <summary>Weight of the content loss.</summary>
    public double ContentWeight { get; init; } = 1;

    /// <summary>Start from the content image (true, as Gatys' code) or from noise.</summary>
    public bool StartFromContent { get; init; } = true;

    /// <summary>Seed of the starting noise.</summary>
    public int Seed { get; init; }
}
