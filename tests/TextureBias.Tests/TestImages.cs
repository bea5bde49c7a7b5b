using SkiaSharp;
using TextureBias.Imaging;

namespace TextureBias.Tests;

/// <summary>Writes test images.</summary>
internal static class TestImages
{
    public static void WritePng(string path, RgbImage image) => ImageEncoder.Save(path, image, SKEncodedImageFormat.Png);

    public static void WriteJpeg(string path, RgbImage image, int quality = 95) => ImageEncoder.Save(path, image, SKEncodedImageFormat.Jpeg, quality);

    /// <summary>An ImageFolder of random-pixel PNGs: <paramref name="perClass"/> images of <paramref name="size"/>² in each class folder, named by <paramref name="name"/>(class, i); returns the root.</summary>
    public static string RandomFolder(string root, IEnumerable<string> classes, int perClass, int size, int seed, Func<string, int, string>? name = null)
    {
        var rng = new Random(seed);
        foreach (var c in classes)
            for (int i = 0; i < perClass; i++)
            {
                var px = new byte[size * size * 3];
                rng.NextBytes(px);
                WritePng(Path.Combine(root, c, name?.Invoke(c, i) ?? $"{i}.png"), new RgbImage(size, size, px));
            }
        return root;
    }
}
