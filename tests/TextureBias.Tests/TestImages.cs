using SkiaSharp;
using TextureBias.Imaging;

namespace TextureBias.Tests;

/// <summary>Writes test images.</summary>
internal static class TestImages
{
    public static void WritePng(string path, RgbImage image) => ImageEncoder.Save(path, image, SKEncodedImageFormat.Png);

    public static void WriteJpeg(string path, RgbImage image, int quality = 95) => ImageEncoder.Save(path, image, SKEncodedImageFormat.Jpeg, quality);
}
