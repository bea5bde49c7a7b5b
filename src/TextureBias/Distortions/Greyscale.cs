namespace TextureBias.Distortions;

/// <summary>
/// scikit-image's <c>rgb2gray</c> as the reference code uses it: Y = 0.2125 R + 0.7154 G + 0.0721 B
/// on the float64 values, one channel.
/// </summary>
public static class Greyscale
{
    /// <summary>The grey channel of <paramref name="image"/> (a grey image is returned as is).</summary>
    public static FloatImage Of(FloatImage image)
    {
        if (image.Channels == 1) return image;
        var v = image.Values;
        var g = new double[image.Width * image.Height];
        for (int i = 0, j = 0; i < g.Length; i++, j += 3)
            g[i] = v[j] * 0.2125 + v[j + 1] * 0.7154 + v[j + 2] * 0.0721;
        return new FloatImage(image.Width, image.Height, 1, g);
    }

    /// <summary>Clips every value of a grey plane to [0, 1] in place, as the reference does before saving.</summary>
    internal static void Clip(double[] v)
    {
        for (int i = 0; i < v.Length; i++)
            v[i] = v[i] < 0 ? 0 : v[i] > 1 ? 1 : v[i];
    }
}
