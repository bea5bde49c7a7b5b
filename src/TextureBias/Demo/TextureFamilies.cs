using TextureBias.Imaging;

namespace TextureBias.Demo;

/// <summary>
/// The procedural texture families of the texture–shape world. Each image of a family draws
/// its own shades, period, orientation and phase from a seed, so a family is a kind of pattern
/// in a range of colours (as a zebra's stripes are black and white), not one picture.
/// </summary>
public static class TextureFamilies
{
    /// <summary>The family names; family k is the texture class k usually wears in the natural world.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "stripes", "dots", "checks", "waves", "blobs", "bricks", "grid", "zigzag" };

    /// <summary>A width × height swatch of <paramref name="family"/>, its parameters drawn from <paramref name="seed"/>.</summary>
    public static RgbImage Render(int family, int width, int height, int seed)
    {
        if ((uint)family >= Names.Count) throw new ArgumentOutOfRangeException(nameof(family));
        var rng = new Random(seed);
        var (c1, c2) = Colours(family, rng);
        double scale = Math.Min(width, height) / 64.0;
        double period = (5 + 3 * rng.NextDouble()) * scale;
        double angle = rng.NextDouble() * Math.PI, cos = Math.Cos(angle), sin = Math.Sin(angle);
        double ox = rng.NextDouble() * 100, oy = rng.NextDouble() * 100;
        double amplitude = (0.3 + 0.2 * rng.NextDouble()) * period, wavelength = (2.2 + rng.NextDouble()) * period;
        var noise = family == 4 ? ValueNoise(rng, width, height, period * 1.2) : null;
        var px = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double t = 0;
                for (int s = 0; s < 4; s++) // 2×2 supersampling against aliasing
                {
                    double sx = x + 0.25 + 0.5 * (s & 1) + ox, sy = y + 0.25 + 0.5 * (s >> 1) + oy;
                    double u = sx * cos + sy * sin, v = -sx * sin + sy * cos;
                    t += family switch
                    {
                        0 => Frac(u / period) < 0.5 ? 1 : 0,
                        1 => Dot(u / period, v / period, 0.3),
                        2 => ((long)Math.Floor(u / period) + (long)Math.Floor(v / period)) % 2 == 0 ? 1 : 0,
                        3 => Frac((v + amplitude * Math.Sin(2 * Math.PI * u / wavelength)) / period) < 0.5 ? 1 : 0,
                        4 => noise![Math.Min(height - 1, (int)(y + 0.5 * (s >> 1))) * width + Math.Min(width - 1, (int)(x + 0.5 * (s & 1)))] > 0.5 ? 1 : 0,
                        5 => Brick(u / period, v / period),
                        6 => Frac(u / period) < 0.28 || Frac(v / period) < 0.28 ? 1 : 0,
                        _ => Frac((v + amplitude * 1.6 * Triangle(u / wavelength * 1.4)) / period) < 0.5 ? 1 : 0,
                    };
                }
                t /= 4;
                int i = (y * width + x) * 3;
                for (int c = 0; c < 3; c++) px[i + c] = (byte)Math.Round(c1[c] + t * (c2[c] - c1[c]));
            }
        return new RgbImage(width, height, px);
    }

    /// <summary>
    /// The family's two colours: a light and a dark shade of the family's own hue (families
    /// 45° apart on the colour wheel), each within ±15° of it, with random saturation.
    /// </summary>
    internal static (double[] Light, double[] Dark) Colours(int family, Random rng)
    {
        double hue = 360.0 * family / Names.Count;
        double[] Shade(double vLow, double vHigh) => Hsv(hue + 30 * (rng.NextDouble() - 0.5), 0.45 + 0.55 * rng.NextDouble(), vLow + (vHigh - vLow) * rng.NextDouble());
        return (Shade(0.75, 1.0), Shade(0.15, 0.4));
    }

    /// <summary>An RGB colour (0–255) from hue (degrees), saturation and value (0–1).</summary>
    internal static double[] Hsv(double hue, double saturation, double value)
    {
        hue = (hue % 360 + 360) % 360 / 60;
        double c = value * saturation, x = c * (1 - Math.Abs(hue % 2 - 1)), m = value - c;
        var (r, g, b) = (int)hue switch { 0 => (c, x, 0.0), 1 => (x, c, 0.0), 2 => (0.0, c, x), 3 => (0.0, x, c), 4 => (x, 0.0, c), _ => (c, 0.0, x) };
        return new[] { 255 * (r + m), 255 * (g + m), 255 * (b + m) };
    }


    private static double Frac(double x) => x - Math.Floor(x);

    private static double Triangle(double x) => 4 * Math.Abs(Frac(x) - 0.5) - 1;

    private static double Dot(double u, double v, double radius)
    {
        double du = Frac(u) - 0.5, dv = Frac(v) - 0.5;
        return du * du + dv * dv < radius * radius ? 1 : 0;
    }

    private static double Brick(double u, double v)
    {
        double row = Math.Floor(v);
        double along = (u + (row % 2 == 0 ? 0 : 1)) / 2; // bricks two periods long, odd rows shifted by half
        return Frac(v) < 0.22 || Frac(along) < 0.11 ? 1 : 0;
    }

    /// <summary>Smooth random field in [0,1]: bilinear interpolation of random values on a grid of the given cell size.</summary>
    private static double[] ValueNoise(Random rng, int width, int height, double cell)
    {
        int gw = (int)Math.Ceiling(width / cell) + 2, gh = (int)Math.Ceiling(height / cell) + 2;
        var grid = new double[gw * gh];
        for (int i = 0; i < grid.Length; i++) grid[i] = rng.NextDouble();
        var field = new double[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double gx = x / cell, gy = y / cell;
                int ix = (int)gx, iy = (int)gy;
                double fx = Smooth(gx - ix), fy = Smooth(gy - iy);
                double top = grid[iy * gw + ix] * (1 - fx) + grid[iy * gw + ix + 1] * fx;
                double bottom = grid[(iy + 1) * gw + ix] * (1 - fx) + grid[(iy + 1) * gw + ix + 1] * fx;
                field[y * width + x] = top * (1 - fy) + bottom * fy;
            }
        return field;
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);
}
