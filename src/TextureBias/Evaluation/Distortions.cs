using TextureBias.Models;
using TextureBias.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// The image distortions of Geirhos et al. (2018/2019) that need no extra data, applied to RGB
/// values in [0,1] and rounded back to 8 bits (the stimuli were saved as PNG). Level 0 is
/// always the undistorted image.
/// </summary>
public static class Distortions
{
    /// <summary>The distortion names.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "uniform-noise", "contrast", "low-pass", "high-pass", "phase-noise" };

    /// <summary>The levels of the paper for each distortion, the undistorted level first (given here as 0).</summary>
    public static IReadOnlyList<double> DefaultLevels(string name) => name switch
    {
        "uniform-noise" => new[] { 0, 0.03, 0.05, 0.1, 0.2, 0.35, 0.6, 0.9 },   // noise width w: U(-w, w)
        "contrast" => new[] { 0, 0.5, 0.7, 0.85, 0.9, 0.95, 0.97, 0.99 },      // contrast reduction: c = 1 - level
        "low-pass" => new[] { 0.0, 1, 3, 5, 7, 10, 15, 40 },                    // Gaussian std in pixels
        "high-pass" => new[] { 0, 3, 1.5, 1, 0.7, 0.55, 0.45, 0.4 },            // Gaussian std of the removed low-pass (0: none)
        "phase-noise" => new[] { 0.0, 30, 60, 90, 120, 150, 180 },              // phase noise width in degrees
        _ => throw new TextureBiasException($"unknown distortion '{name}' (known: {string.Join(", ", Names)})"),
    };

    /// <summary>The image in grey (PIL's <c>convert("L")</c>: (299 R + 587 G + 114 B) / 1000, rounded), in three equal channels.</summary>
    public static RgbImage Greyscale(RgbImage image)
    {
        var px = new byte[image.Pixels.Length];
        for (int i = 0; i < px.Length; i += 3)
        {
            int l = (image.Pixels[i] * 299 + image.Pixels[i + 1] * 587 + image.Pixels[i + 2] * 114 + 500) / 1000;
            px[i] = px[i + 1] = px[i + 2] = (byte)l;
        }
        return new RgbImage(image.Width, image.Height, px);
    }

    /// <summary>Applies distortion <paramref name="name"/> at <paramref name="level"/>, drawing noise from <paramref name="rng"/>.</summary>
    public static RgbImage Apply(RgbImage image, string name, double level, Random rng)
    {
        DefaultLevels(name); // checks the name
        if (level == 0) return image;
        int w = image.Width, h = image.Height, n = w * h;
        var v = new float[3 * n]; // channel-major [3,H,W] in [0,1]
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                v[c * n + i] = image.Pixels[i * 3 + c] / 255f;
        switch (name)
        {
            case "uniform-noise":
                for (int i = 0; i < v.Length; i++) v[i] += (float)((rng.NextDouble() * 2 - 1) * level);
                break;
            case "contrast":
                float k = (float)(1 - level);
                for (int i = 0; i < v.Length; i++) v[i] = k * v[i] + (1 - k) / 2;
                break;
            case "low-pass":
                for (int c = 0; c < 3; c++) Blur(v.AsSpan(c * n, n), w, h, level);
                break;
            case "high-pass":
                for (int c = 0; c < 3; c++)
                {
                    var channel = v.AsSpan(c * n, n);
                    var low = channel.ToArray();
                    Blur(low, w, h, level);
                    for (int i = 0; i < n; i++) channel[i] = channel[i] - low[i] + 0.5f;
                }
                break;
            case "phase-noise":
                PhaseNoise(v, w, h, level, rng);
                break;
        }
        var bytes = new byte[3 * n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                bytes[i * 3 + c] = (byte)Math.Clamp(Math.Round(v[c * n + i] * 255), 0, 255);
        return new RgbImage(w, h, bytes);
    }

    /// <summary>Gaussian blur with std <paramref name="sigma"/> (pixels), reflecting at the borders.</summary>
    private static void Blur(Span<float> plane, int w, int h, double sigma)
    {
        int r = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += k[i + r] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < k.Length; i++) k[i] /= (float)sum;
        int Reflect(int i, int size)
        {
            while (i < 0 || i >= size) i = i < 0 ? -i - 1 : 2 * size - i - 1;
            return i;
        }
        var tmp = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float s = 0;
                for (int i = -r; i <= r; i++) s += k[i + r] * plane[y * w + Reflect(x + i, w)];
                tmp[y * w + x] = s;
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float s = 0;
                for (int i = -r; i <= r; i++) s += k[i + r] * tmp[Reflect(y + i, h) * w + x];
                plane[y * w + x] = s;
            }
    }

    /// <summary>
    /// The same uniform phase noise in [-deg, deg] added to the Fourier phase of each channel (not
    /// to the zero frequency); the real part of the inverse transform is kept.
    /// </summary>
    private static void PhaseNoise(float[] v, int w, int h, double degrees, Random rng)
    {
        using var scope = NewDisposeScope();
        var noise = new float[h * w];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)((rng.NextDouble() * 2 - 1) * degrees * Math.PI / 180);
        noise[0] = 0; // the zero frequency keeps its phase: the mean brightness stays
        var x = tensor(v, new long[] { 3, h, w });
        var spectrum = fft.fft2(x);
        var magnitude = spectrum.abs();
        var phase = Models.SafeScalars.Plus(spectrum.angle(), tensor(noise, new long[] { 1, h, w }));
        var result = fft.ifft2(polar(magnitude, phase)).real.contiguous();
        result.data<float>().CopyTo(v, 0);
    }
}
