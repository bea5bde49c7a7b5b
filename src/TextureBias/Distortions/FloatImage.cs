using TextureBias.Imaging;

namespace TextureBias.Distortions;

/// <summary>
/// An image as the reference code holds it: float64 values in [0, 1], row-major, one channel
/// (grey) or three (RGB, interleaved).
/// </summary>
public sealed class FloatImage
{
    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>1 (grey) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>The values, row by row, channels interleaved.</summary>
    public double[] Values { get; }

    /// <summary>Wraps <paramref name="values"/> (not copied).</summary>
    public FloatImage(int width, int height, int channels, double[] values)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 or 3 channels");
        if (values.Length != checked(width * height * channels))
            throw new ArgumentException($"{values.Length} values for {width}x{height}x{channels}", nameof(values));
        (Width, Height, Channels, Values) = (width, height, channels, values);
    }

    /// <summary>A zero image.</summary>
    public FloatImage(int width, int height, int channels) : this(width, height, channels, new double[checked(width * height * channels)]) { }

    /// <summary>The reference's <c>imread(path) / 255.0</c>.</summary>
    public static FloatImage FromRgb(RgbImage image)
    {
        var v = new double[image.Pixels.Length];
        for (int i = 0; i < v.Length; i++) v[i] = image.Pixels[i] / 255.0;
        return new FloatImage(image.Width, image.Height, 3, v);
    }

    /// <summary>
    /// 8-bit pixels as the reference saves them (<see cref="PixelQuantisation.Round"/>: scipy's
    /// <c>toimage(cmin=0, cmax=1)</c> of the published stimuli; or the 2023 code's truncation).
    /// A grey image becomes three equal channels.
    /// </summary>
    public RgbImage ToRgb(PixelQuantisation quantisation = PixelQuantisation.Round)
    {
        bool round = quantisation == PixelQuantisation.Round;
        var px = new byte[Width * Height * 3];
        if (Channels == 3)
            for (int i = 0; i < px.Length; i++) px[i] = ToByte(Values[i], round);
        else
            for (int i = 0, o = 0; i < Values.Length; i++, o += 3)
                px[o] = px[o + 1] = px[o + 2] = ToByte(Values[i], round);
        return new RgbImage(Width, Height, px);
    }

    static byte ToByte(double v, bool round)
    {
        double s = v * 255.0;
        s = s <= 0 || double.IsNaN(s) ? 0 : s >= 255 ? 255 : s;
        return round ? (byte)(s + 0.5) : (byte)s;
    }
}
