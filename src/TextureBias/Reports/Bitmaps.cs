using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;

namespace TextureBias.Reports;

/// <summary>Conversions between our images and Skia bitmaps.</summary>
internal static class Bitmaps
{
    /// <summary>An opaque Skia bitmap of the image.</summary>
    public static SKBitmap From(RgbImage image)
    {
        var bmp = new SKBitmap(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var px = image.ToRgba();
        System.Runtime.InteropServices.Marshal.Copy(px, 0, bmp.GetPixels(), px.Length);
        return bmp;
    }

    /// <summary>A white figure of the given size, to draw on.</summary>
    public static SKBitmap White(int width, int height)
    {
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        bitmap.Erase(SKColors.White);
        return bitmap;
    }

    /// <summary>The dark grey, antialiased paint of the figures' text and lines.</summary>
    public static SKPaint Ink() => new() { Color = new SKColor(0x20, 0x20, 0x20), IsAntialias = true };

    /// <summary>Writes the bitmap as a PNG, atomically.</summary>
    public static void SavePng(string path, SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, s => data.SaveTo(s));
    }
}
