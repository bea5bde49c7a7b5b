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
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; j < image.Pixels.Length; i += 4, j += 3)
        {
            rgba[i] = image.Pixels[j];
            rgba[i + 1] = image.Pixels[j + 1];
            rgba[i + 2] = image.Pixels[j + 2];
            rgba[i + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var data = bitmap.Encode(format, format == SKEncodedImageFormat.Png ? 100 : quality)
            ?? throw new TextureBiasException($"{path}: cannot encode the image as {format}");
        AtomicFile.Write(path, s => data.SaveTo(s));
    }
}
