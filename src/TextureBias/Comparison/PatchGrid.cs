namespace TextureBias.Comparison;

/// <summary>The centred grid of whole q×q patches on an image: ⌊H/q⌋ × ⌊W/q⌋ patches, the leftover pixels split evenly around them.</summary>
public sealed record PatchGrid(int Height, int Width, int Patch)
{
    /// <summary>Patch rows.</summary>
    public int Rows => Height / Patch;

    /// <summary>Patch columns.</summary>
    public int Columns => Width / Patch;

    /// <summary>Top row of the grid.</summary>
    public int Top => (Height - Rows * Patch) / 2;

    /// <summary>Left column of the grid.</summary>
    public int Left => (Width - Columns * Patch) / 2;

    /// <summary>The top-left pixel of patch <paramref name="index"/> (row-major).</summary>
    public (int Y, int X) Origin(int index) => (Top + index / Columns * Patch, Left + index % Columns * Patch);

    /// <summary>How many patches.</summary>
    public int Count => Rows * Columns;
}
