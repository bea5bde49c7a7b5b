using SkiaSharp;
using TextureBias.Imaging;

namespace TextureBias.Tests;

/// <summary>Writes test images with Skia.</summary>
internal static class TestImages
{
    public static void WritePng(string path, RgbImage image) => Write(path, image, SKEncodedImageFormat.Png, 100);

    public static void WriteJpeg(string path, RgbImage image, int quality = 95) => Write(path, image, SKEncodedImageFormat.Jpeg, quality);

    private static void Write(string path, RgbImage image, SKEncodedImageFormat format, int quality)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
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
        using var data = bitmap.Encode(format, quality);
        File.WriteAllBytes(path, data.ToArray());
    }
}
