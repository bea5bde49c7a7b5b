namespace TextureBias.Evaluation;

/// <summary>One convolution of <c>bench peak</c>: a 3×3, stride 1, padding 1 convolution of a [Batch, Channels, Height, Width] input to <paramref name="OutChannels"/> channels.</summary>
/// <param name="Batch">Images.</param>
/// <param name="Channels">Input channels.</param>
/// <param name="Height">Input (and output) height.</param>
/// <param name="Width">Input (and output) width.</param>
/// <param name="OutChannels">Output channels.</param>
public sealed record PeakConvolution(int Batch, int Channels, int Height, int Width, int OutChannels)
{
    /// <summary>The standard set: three large convolutions of about 15 GMACs each, as ResNets' and VGGs' stages have.</summary>
    public static IReadOnlyList<PeakConvolution> Standard { get; } =
    [
        new(8, 256, 56, 56, 256),
        new(8, 128, 112, 112, 128),
        new(8, 512, 28, 28, 512),
    ];

    /// <summary>Multiply–accumulates of one run: out_h·out_w·out_c·in_c·3·3 per image.</summary>
    public long MultiplyAccumulates => (long)Batch * Height * Width * OutChannels * Channels * 9;

    /// <summary>The shape as written on the command line: <c>8x256x56x56:256</c>.</summary>
    public string Name => $"{Batch}x{Channels}x{Height}x{Width}:{OutChannels}";

    /// <summary>Reads <c>NxCxHxW:K</c> (<see cref="Name"/>'s form).</summary>
    /// <exception cref="TextureBiasException">Not that form, or a number is not positive.</exception>
    public static PeakConvolution Parse(string text)
    {
        var parts = text.Trim().Split(':');
        var dims = parts[0].Split('x', 'X');
        if (parts.Length != 2 || dims.Length != 4)
            throw new TextureBiasException($"--shape {text}: expected NxCxHxW:K, as 8x256x56x56:256");
        var numbers = dims.Append(parts[1]).Select(s => int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v : 0).ToArray();
        if (numbers.Any(v => v < 1))
            throw new TextureBiasException($"--shape {text}: every number of NxCxHxW:K must be a positive integer");
        return new PeakConvolution(numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]);
    }
}
