namespace TextureBias.Imaging;

/// <summary>
/// torchvision's training augmentation: <c>RandomResizedCrop(size, scale=(0.08, 1),
/// ratio=(3/4, 4/3))</c> (ten tries at a random area and aspect ratio, else a centre crop of
/// the clamped ratio), resized with PIL's bilinear filter, then <c>RandomHorizontalFlip(0.5)</c>.
/// </summary>
public static class RandomResizedCrop
{
    /// <summary>The augmented image, drawing from <paramref name="rng"/>.</summary>
    public static RgbImage Apply(RgbImage image, int size, Random rng, double minScale = 0.08, double maxScale = 1.0, bool flip = true)
    {
        var (x, y, w, h) = Box(image.Width, image.Height, rng, minScale, maxScale);
        var crop = PilResize.Bilinear(Preprocessing.CropRegion(image, x, y, w, h), size, size);
        return flip && rng.NextDouble() < 0.5 ? Flip(crop) : crop;
    }

    /// <summary>torchvision's <c>RandomResizedCrop.get_params</c>.</summary>
    public static (int X, int Y, int W, int H) Box(int width, int height, Random rng, double minScale = 0.08, double maxScale = 1.0)
    {
        double area = (double)width * height;
        double logLow = Math.Log(3.0 / 4), logHigh = Math.Log(4.0 / 3);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * (minScale + rng.NextDouble() * (maxScale - minScale));
            double aspect = Math.Exp(logLow + rng.NextDouble() * (logHigh - logLow));
            int w = (int)Math.Round(Math.Sqrt(target * aspect));
            int h = (int)Math.Round(Math.Sqrt(target / aspect));
            if (w > 0 && h > 0 && w <= width && h <= height)
                return (rng.Next(0, width - w + 1), rng.Next(0, height - h + 1), w, h);
        }
        double ratio = (double)width / height;
        int cw = width, ch = height;
        if (ratio < 3.0 / 4) ch = (int)Math.Round(width / (3.0 / 4));
        else if (ratio > 4.0 / 3) cw = (int)Math.Round(height * (4.0 / 3));
        return ((width - cw) / 2, (height - ch) / 2, cw, ch);
    }

    /// <summary>The image mirrored left to right.</summary>
    public static RgbImage Flip(RgbImage image)
    {
        var dst = new byte[image.Pixels.Length];
        int w = image.Width;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < w; x++)
                Buffer.BlockCopy(image.Pixels, (y * w + x) * 3, dst, (y * w + (w - 1 - x)) * 3, 3);
        return new RgbImage(w, image.Height, dst);
    }
}
