namespace TextureBias.Imaging;

/// <summary>
/// PIL's <c>Image.resize(size, Image.BILINEAR)</c> (and LANCZOS) on 8-bit images, reproduced operation for
/// operation (Pillow's <c>Resample.c</c>): a triangle filter widened by the downscaling factor
/// (antialiasing), coefficients in 22-bit fixed point, a horizontal pass then a vertical pass,
/// each rounded to 8 bits. torchvision's <c>Resize</c> on PIL images calls exactly this, so
/// results are byte-identical to the reference preprocessing.
/// </summary>
public static class PilResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes <paramref name="image"/> to <paramref name="width"/>×<paramref name="height"/> (PIL's BILINEAR).</summary>
    public static RgbImage Bilinear(RgbImage image, int width, int height) => Resize(image, width, height, Triangle, 1.0);

    /// <summary>Resizes with PIL's LANCZOS (formerly ANTIALIAS) filter: a 3-lobed windowed sinc.</summary>
    public static RgbImage Lanczos(RgbImage image, int width, int height) => Resize(image, width, height, Lanczos3, 3.0);

    private static RgbImage Resize(RgbImage image, int width, int height, Func<double, double> filter, double filterSupport)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"target size must be positive, got {width}x{height}");
        if (width == image.Width && height == image.Height) return new RgbImage(width, height, (byte[])image.Pixels.Clone());

        var (boundsV, kernelV, ksizeV) = Coefficients(image.Height, height, filter, filterSupport);
        int firstRow = boundsV[0];
        int lastRow = boundsV[(height - 1) * 2] + boundsV[(height - 1) * 2 + 1];

        RgbImage source = image;
        if (width != image.Width)
        {
            var (boundsH, kernelH, ksizeH) = Coefficients(image.Width, width, filter, filterSupport);
            source = Horizontal(image, width, firstRow, lastRow - firstRow, boundsH, kernelH, ksizeH);
            for (int i = 0; i < height; i++) boundsV[i * 2] -= firstRow;
        }
        // Without a horizontal pass the vertical pass reads the original rows, as in Pillow.
        if (height == image.Height) return source;
        return Vertical(source, height, boundsV, kernelV, ksizeV);
    }

    private static double Triangle(double x)
    {
        if (x < 0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double Lanczos3(double x) => x >= -3.0 && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;

    /// <summary>Pillow's <c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c>.</summary>
    private static (int[] bounds, int[] kernel, int ksize) Coefficients(int inSize, int outSize, Func<double, double> filter, double filterSupport)
    {
        double scale = (double)inSize / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = filterSupport * filterScale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var kernel = new int[outSize * ksize];
        var weights = new double[ksize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++)
            {
                double w = filter((x + xmin - center + 0.5) * ss);
                weights[x] = w;
                ww += w;
            }
            for (int x = 0; x < ksize; x++)
            {
                double w = x < xmax && ww != 0.0 ? weights[x] / ww : (x < xmax ? weights[x] : 0.0);
                kernel[xx * ksize + x] = w < 0
                    ? (int)(-0.5 + w * (1 << PrecisionBits))
                    : (int)(0.5 + w * (1 << PrecisionBits));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return (bounds, kernel, ksize);
    }

    private static byte Clip8(long v)
    {
        if (v >= 255L << PrecisionBits) return 255;
        if (v <= 0) return 0;
        return (byte)(v >> PrecisionBits);
    }

    private static RgbImage Horizontal(RgbImage src, int outWidth, int rowOffset, int rows, int[] bounds, int[] kernel, int ksize)
    {
        var dst = new byte[checked(outWidth * rows * 3)];
        var s = src.Pixels;
        int inStride = src.Width * 3;
        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = rows > 64 ? -1 : 1 }, yy =>
        {
            int inRow = (yy + rowOffset) * inStride;
            int outRow = yy * outWidth * 3;
            for (int xx = 0; xx < outWidth; xx++)
            {
                int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1];
                int k = xx * ksize;
                long r = 1L << (PrecisionBits - 1), g = r, b = r;
                for (int x = 0; x < xmax; x++)
                {
                    int p = inRow + (x + xmin) * 3;
                    int w = kernel[k + x];
                    r += s[p] * w;
                    g += s[p + 1] * w;
                    b += s[p + 2] * w;
                }
                int o = outRow + xx * 3;
                dst[o] = Clip8(r);
                dst[o + 1] = Clip8(g);
                dst[o + 2] = Clip8(b);
            }
        });
        return new RgbImage(outWidth, rows, dst);
    }

    private static RgbImage Vertical(RgbImage src, int outHeight, int[] bounds, int[] kernel, int ksize)
    {
        int width = src.Width;
        var dst = new byte[checked(width * outHeight * 3)];
        var s = src.Pixels;
        int stride = width * 3;
        Parallel.For(0, outHeight, new ParallelOptions { MaxDegreeOfParallelism = outHeight > 64 ? -1 : 1 }, yy =>
        {
            int ymin = bounds[yy * 2], ymax = bounds[yy * 2 + 1];
            int k = yy * ksize;
            int outRow = yy * stride;
            for (int i = 0; i < stride; i++)
            {
                long acc = 1L << (PrecisionBits - 1);
                for (int y = 0; y < ymax; y++)
                    acc += s[(y + ymin) * stride + i] * kernel[k + y];
                dst[outRow + i] = Clip8(acc);
            }
        });
        return new RgbImage(width, outHeight, dst);
    }
}
