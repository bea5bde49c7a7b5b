namespace TextureBias.Distortions;

/// <summary>
/// The Eidolon toolbox's <c>picture.Picture</c> for one grey image that already has the working size
/// (longer side SZ): the mirror-padded "fat fiducial data plane" whose sides are powers of two
/// (<c>EmbedImage</c>), the scale levels (<c>BuildScaleLevels</c>) and the crop back (<c>DisembedDataPlane</c>).
/// </summary>
internal sealed class EidolonPicture
{
    /// <summary>Image width.</summary>
    public int Width { get; }
    /// <summary>Image height.</summary>
    public int Height { get; }
    /// <summary>Padded width: the power of two at or above 1.5 × width.</summary>
    public int FatWidth { get; }
    /// <summary>Padded height: the power of two at or above 1.5 × height.</summary>
    public int FatHeight { get; }
    /// <summary>Left margin.</summary>
    public int MarginX { get; }
    /// <summary>Top margin.</summary>
    public int MarginY { get; }
    /// <summary>The padded plane, row-major FatHeight × FatWidth, grey values 0…255.</summary>
    public double[] FatPlane { get; }

    /// <summary>Embeds <paramref name="grey"/> (row-major, <paramref name="width"/> × <paramref name="height"/>).</summary>
    public EidolonPicture(byte[] grey, int width, int height)
    {
        Width = width;
        Height = height;
        FatWidth = PowerOfTwoCeiling(width * 3 / 2.0);
        FatHeight = PowerOfTwoCeiling(height * 3 / 2.0);
        MarginX = (FatWidth - width) / 2;
        MarginY = (FatHeight - height) / 2;
        FatPlane = Embed(grey);
    }

    /// <summary>
    /// The toolbox's scale levels: <c>ceil(2·log(maxSigma)/log 2)</c> levels, the first <paramref name="minSigma"/>,
    /// each next one <paramref name="factor"/> times the previous.
    /// </summary>
    public static double[] ScaleLevels(double minSigma, double maxSigma, double factor)
    {
        int count = (int)Math.Ceiling(2 * Math.Log(maxSigma) / Math.Log(2));
        var levels = new double[count];
        levels[0] = minSigma;
        for (int i = 1; i < count; i++) levels[i] = factor * levels[i - 1];
        return levels;
    }

    // Power of two >= n (the toolbox's PowerOfTwoCeiling; 1.5 × an integer is never a power of two > 1).
    private static int PowerOfTwoCeiling(double n)
    {
        if (n < 1) return 1;
        double log2 = Math.Log(n) / Math.Log(2);
        if (log2 == Math.Floor(log2)) return (int)n;
        return (int)Math.Pow(2, Math.Ceiling(log2));
    }

    private double[] Embed(byte[] grey)
    {
        int w = Width, h = Height, ww = FatWidth, hh = FatHeight, dw = MarginX, dh = MarginY;
        var fat = new double[ww * hh];
        for (int y = 0; y < h; y++)
        {
            int row = (y + dh) * ww;
            int src = y * w;
            for (int x = 0; x < dw; x++) fat[row + x] = grey[src + dw - 1 - x];           // left: columns 0…dw−1 mirrored
            for (int x = 0; x < w; x++) fat[row + dw + x] = grey[src + x];                // the image
            for (int x = 0; x < dw; x++) fat[row + ww - dw + x] = grey[src + w - 1 - x];  // right: last dw columns mirrored
        }
        // Top and bottom: the dh rows next to each border, mirrored (the image rows including the side padding).
        for (int y = 0; y < dh; y++)
        {
            Array.Copy(fat, (2 * dh - 1 - y) * ww, fat, y * ww, ww);
            Array.Copy(fat, (hh - dh - 1 - y) * ww, fat, (hh - dh + y) * ww, ww);
        }
        return fat;
    }

    /// <summary>Crops the image area out of a padded plane, clips to [0, 255] and truncates to bytes.</summary>
    public byte[] Disembed(double[] plane)
    {
        var result = new byte[Width * Height];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                double v = plane[(y + MarginY) * FatWidth + x + MarginX];
                result[y * Width + x] = v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
            }
        return result;
    }
}
