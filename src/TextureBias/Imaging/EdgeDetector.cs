namespace TextureBias.Imaging;

/// <summary>
/// Canny edges (as scikit-image's <c>feature.canny</c> with its defaults: Gaussian σ = 1, Sobel
/// gradients, non-maximum suppression, hysteresis between 0.1 and 0.2 of the gradient of a
/// [0,1] image), for drawing an image's outlines over its heatmap.
/// </summary>
public static class EdgeDetector
{
    /// <summary>Edges of the mean of the RGB channels: true where an edge passes.</summary>
    public static bool[,] Canny(RgbImage image, double sigma = 1.0, double low = 0.1, double high = 0.2)
    {
        int w = image.Width, h = image.Height;
        var grey = new double[h, w];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            grey[y, x] = (image[x, y, 0] + image[x, y, 1] + image[x, y, 2]) / (3 * 255.0);
        var smooth = Blur(grey, sigma);
        var gx = new double[h, w];
        var gy = new double[h, w];
        var mag = new double[h, w];
        for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++)
        {
            gx[y, x] = smooth[y - 1, x + 1] + 2 * smooth[y, x + 1] + smooth[y + 1, x + 1]
                     - smooth[y - 1, x - 1] - 2 * smooth[y, x - 1] - smooth[y + 1, x - 1];
            gy[y, x] = smooth[y + 1, x - 1] + 2 * smooth[y + 1, x] + smooth[y + 1, x + 1]
                     - smooth[y - 1, x - 1] - 2 * smooth[y - 1, x] - smooth[y - 1, x + 1];
            mag[y, x] = Math.Sqrt(gx[y, x] * gx[y, x] + gy[y, x] * gy[y, x]);
        }
        // Non-maximum suppression along the gradient direction (quantised to 4 directions).
        var strong = new bool[h, w];
        var weak = new bool[h, w];
        for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++)
        {
            double m = mag[y, x];
            if (m < low) continue;
            double angle = Math.Atan2(gy[y, x], gx[y, x]) * 180 / Math.PI;
            if (angle < 0) angle += 180;
            (int dy, int dx) = angle < 22.5 || angle >= 157.5 ? (0, 1) : angle < 67.5 ? (1, 1) : angle < 112.5 ? (1, 0) : (1, -1);
            if (m < mag[y + dy, x + dx] || m < mag[y - dy, x - dx]) continue;
            if (m >= high) strong[y, x] = true;
            else weak[y, x] = true;
        }
        // Hysteresis: weak pixels joined to strong ones.
        var stack = new Stack<(int, int)>();
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (strong[y, x]) stack.Push((y, x));
        while (stack.Count > 0)
        {
            var (y, x) = stack.Pop();
            for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
            {
                int yy = y + dy, xx = x + dx;
                if (yy < 0 || xx < 0 || yy >= h || xx >= w || !weak[yy, xx]) continue;
                weak[yy, xx] = false;
                strong[yy, xx] = true;
                stack.Push((yy, xx));
            }
        }
        return strong;
    }

    private static double[,] Blur(double[,] img, double sigma)
    {
        int h = img.GetLength(0), w = img.GetLength(1);
        int r = Math.Max(1, (int)Math.Ceiling(4 * sigma));
        var k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += k[i + r] = Math.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < k.Length; i++) k[i] /= sum;
        var tmp = new double[h, w];
        var outp = new double[h, w];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double s = 0;
            for (int i = -r; i <= r; i++) s += k[i + r] * img[y, Math.Clamp(x + i, 0, w - 1)];
            tmp[y, x] = s;
        }
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double s = 0;
            for (int i = -r; i <= r; i++) s += k[i + r] * tmp[Math.Clamp(y + i, 0, h - 1), x];
            outp[y, x] = s;
        }
        return outp;
    }
}
