using System.Reflection;
using SkiaSharp;

namespace TextureBias.Reports;

/// <summary>
/// The typeface every figure draws its text with: DejaVu Sans, bundled with the library (free
/// licence, Resources/fonts/DejaVuSans-LICENSE.txt). Skia's Linux build without dependencies has
/// no fontconfig, so a font chosen by family name renders blank; a bundled one works anywhere.
/// </summary>
public static class Fonts
{
    private static readonly Lazy<SKTypeface> LazySans = new(() =>
    {
        var asm = Assembly.GetExecutingAssembly();
        var name = asm.GetManifestResourceNames().Single(n => n.EndsWith("DejaVuSans.ttf", StringComparison.Ordinal));
        using var stream = asm.GetManifestResourceStream(name)!;
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException("the bundled DejaVu Sans font cannot be loaded");
    });

    /// <summary>DejaVu Sans.</summary>
    public static SKTypeface Sans => LazySans.Value;

    /// <summary>A font of <paramref name="size"/> pixels in DejaVu Sans.</summary>
    public static SKFont Font(float size) => new(Sans, size) { Subpixel = true, Edging = SKFontEdging.Antialias };
}
