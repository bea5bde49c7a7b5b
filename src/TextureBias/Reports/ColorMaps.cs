using SkiaSharp;

namespace TextureBias.Reports;

/// <summary>Colour maps of the papers' figures.</summary>
public static class ColorMaps
{
    // matplotlib's RdBu (ColorBrewer, 11 classes), reversed: blue for negative, red for positive.
    private static readonly SKColor[] RdBuR =
    {
        new(0x05, 0x30, 0x61), new(0x21, 0x66, 0xac), new(0x43, 0x93, 0xc3), new(0x92, 0xc5, 0xde),
        new(0xd1, 0xe5, 0xf0), new(0xf7, 0xf7, 0xf7), new(0xfd, 0xdb, 0xc7), new(0xf4, 0xa5, 0x82),
        new(0xd6, 0x60, 0x4d), new(0xb2, 0x18, 0x2b), new(0x67, 0x00, 0x1f),
    };

    /// <summary>
    /// matplotlib's <c>RdBu_r</c> at <paramref name="t"/> ∈ [0,1] (clamped): dark blue, white at
    /// 0.5, dark red.
    /// </summary>
    public static SKColor Diverging(double t)
    {
        if (double.IsNaN(t)) return SKColors.Transparent;
        t = Math.Clamp(t, 0, 1) * (RdBuR.Length - 1);
        int i = Math.Min((int)t, RdBuR.Length - 2);
        double f = t - i;
        var a = RdBuR[i];
        var b = RdBuR[i + 1];
        return new SKColor(
            (byte)Math.Round(a.Red + (b.Red - a.Red) * f),
            (byte)Math.Round(a.Green + (b.Green - a.Green) * f),
            (byte)Math.Round(a.Blue + (b.Blue - a.Blue) * f));
    }
}
