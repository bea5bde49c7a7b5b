using SkiaSharp;
using TextureBias.Data;

namespace TextureBias.Imaging;

/// <summary>Writes images (PNG lossless; JPEG and WebP at quality 95), atomically.</summary>
public static class ImageEncoder
{
    /// <summary>The format an output path's extension asks for, or null.</summary>
    public static SKEncodedImageFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => SKEncodedImageFormat.Png,
        ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
        ".webp" => SKEncodedImageFormat.Webp,
        _ => null,
    };

    /// <summary>Encodes <paramref name="image"/> and writes it to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, RgbImage image, SKEncodedImageFormat format, int quality = 95)
    {
        using var bitmap = TextureBias.Reports.Bitmaps.From(image);
        using var data = bitmap.Encode(format, format == SKEncodedImageFormat.Png ? 100 : quality)
            ?? throw new TextureBiasException($"{path}: cannot encode the image as {format}");
        AtomicFile.Write(path, s => data.SaveTo(s));
    }
}
