using TextureBias.Imaging;

namespace TextureBias.Distortions;

/// <summary>
/// A port of the Eidolon toolbox's partially coherent disarray (Koenderink et al. 2017, "Eidolons: novel stimuli
/// for vision research"; github.com/gestaltrevision/Eidolon) as Geirhos et al. (2018) called it in
/// rgeirhos/generalisation-humans-DNNs <c>code/wrapper.py</c>: SZ = 256, smallest scale 1/√2, largest SZ/4,
/// factor √2 between scales (12 scale levels), greyscale output.
/// <para>
/// With the bug fix of gestaltrevision/Eidolon pull request #1 (also applied in f-amerehi/Eidolon): the toolbox's
/// <c>PartiallyCoherentScaledGaussianDataStack</c> returned <c>incoherent × coherence + coherent</c>, so coherence
/// only added incoherent noise on top of a fully coherent field; the fix mixes the two,
/// <c>(1 − coherence) × incoherent + coherence × coherent</c>, and rejects a coherence outside [0, 1].
/// wrapper.py asks for that fix.
/// </para>
/// <para>
/// Random numbers: the toolbox draws every noise plane with <c>np.random.normal(0, 1, (h, w))</c>. The order is:
/// the 12 coherent planes for x displacements, the 12 for y, then per scale level one incoherent plane for x and
/// one for y. Given numpy's legacy Gaussian stream for a seed, the output equals the toolbox's after
/// <c>np.random.seed(seed)</c> (up to rare last-bit differences of the FFTs that flip a truncation).
/// </para>
/// </summary>
public static class EidolonDisarray
{
    /// <summary>The working size: the longer image side (wrapper.py's SZ).</summary>
    public const int Size = 256;

    /// <summary>The toolbox's scale levels for <see cref="Size"/>: 1/√2 · √2^k, k = 0…11.</summary>
    public static IReadOnlyList<double> ScaleLevels { get; } =
        EidolonPicture.ScaleLevels(1 / Math.Sqrt(2), Size / 4.0, Math.Sqrt(2));

    /// <summary>The largest sigma (SZ/4), which scales the coherent displacement planes.</summary>
    public const double MaxSigma = Size / 4.0;

    /// <summary>
    /// The partially coherent disarray of a grey image whose longer side is <see cref="Size"/>.
    /// </summary>
    /// <param name="grey">Row-major grey bytes, <paramref name="width"/> × <paramref name="height"/>.</param>
    /// <param name="width">Image width.</param>
    /// <param name="height">Image height.</param>
    /// <param name="reach">Displacement strength in pixels (≥ 0).</param>
    /// <param name="coherence">0 = incoherent … 1 = fully coherent.</param>
    /// <param name="grain">Sigma of the incoherent displacement noise.</param>
    /// <param name="standardNormal">Standard normal draws (numpy's legacy <c>gauss</c> for parity).</param>
    /// <returns>The eidolon, row-major grey bytes of the same size.</returns>
    public static byte[] PartiallyCoherent(byte[] grey, int width, int height, double reach, double coherence,
        double grain, Func<double> standardNormal)
    {
        ArgumentNullException.ThrowIfNull(grey);
        ArgumentNullException.ThrowIfNull(standardNormal);
        if (Math.Max(width, height) != Size || Math.Min(width, height) < 1)
            throw new ArgumentException($"an eidolon needs an image whose longer side is {Size} px, got {width}x{height}");
        if (grey.Length != width * height)
            throw new ArgumentException($"expected {width * height} grey bytes for {width}x{height}, got {grey.Length}");
        if (!(reach >= 0) || double.IsInfinity(reach)) throw new ArgumentOutOfRangeException(nameof(reach), reach, "reach must be a finite number >= 0");
        if (!(coherence >= 0 && coherence <= 1)) throw new ArgumentOutOfRangeException(nameof(coherence), coherence, "coherence must be in [0, 1]");
        if (!(grain > 0) || double.IsInfinity(grain)) throw new ArgumentOutOfRangeException(nameof(grain), grain, "grain must be a finite number > 0");

        var picture = new EidolonPicture(grey, width, height);
        int w = picture.FatWidth, h = picture.FatHeight, n = w * h;
        var scaleSpace = new EidolonScaleSpace(w, h);
        var levels = ScaleLevels;
        int count = levels.Count;

        // Coherent stacks (drawn first, all x planes then all y planes, as the toolbox's constructors do).
        var xPlanes = new double[count][];
        var yPlanes = new double[count][];
        for (int k = 0; k < count; k++) xPlanes[k] = EidolonNoise.RandomPlane(n, standardNormal);
        for (int k = 0; k < count; k++) yPlanes[k] = EidolonNoise.RandomPlane(n, standardNormal);
        var xSum = new double[n];
        var ySum = new double[n];
        for (int k = 0; k < count; k++)
        {
            EidolonNoise.BlurPair(scaleSpace, xPlanes[k], yPlanes[k], levels[k]);
            EidolonNoise.Scale(xPlanes[k], levels[k] / MaxSigma);
            EidolonNoise.Scale(yPlanes[k], levels[k] / MaxSigma);
            for (int i = 0; i < n; i++)
            {
                xSum[i] += xPlanes[k][i];
                ySum[i] += yPlanes[k][i];
            }
        }

        // DOG scale space: level k is blur(k) − blur(k+1); the last level is the coarsest blur itself.
        var spectrum = scaleSpace.Spectrum(picture.FatPlane);
        double[] current = new double[n], next = new double[n], scratch = new double[n], dog = new double[n];
        scaleSpace.BlurSpectrum(spectrum, levels[0], current, scratch);
        var result = new double[n];
        var xDisplacement = new double[n];
        var yDisplacement = new double[n];
        var xIncoherent = new double[n];
        var yIncoherent = new double[n];
        for (int k = 0; k < count; k++)
        {
            if (k < count - 1)
            {
                scaleSpace.BlurSpectrum(spectrum, levels[k + 1], next, scratch);
                for (int i = 0; i < n; i++) dog[i] = current[i] - next[i];
                (current, next) = (next, current);
            }
            else (dog, current) = (current, dog);

            // Coherent element k: the sum of planes k…end (the toolbox subtracts the finer planes one by one).
            if (k > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    xSum[i] -= xPlanes[k - 1][i];
                    ySum[i] -= yPlanes[k - 1][i];
                }
                xPlanes[k - 1] = null!;
                yPlanes[k - 1] = null!;
            }

            EidolonNoise.FillRandomPlane(xIncoherent, standardNormal);
            EidolonNoise.FillRandomPlane(yIncoherent, standardNormal);
            EidolonNoise.BlurPair(scaleSpace, xIncoherent, yIncoherent, grain);
            for (int i = 0; i < n; i++)
            {
                xDisplacement[i] = (1 - coherence) * xIncoherent[i] + coherence * xSum[i];
                yDisplacement[i] = (1 - coherence) * yIncoherent[i] + coherence * ySum[i];
            }
            AddDisarrayed(result, dog, xDisplacement, yDisplacement, reach, w, h);
        }
        return picture.Disembed(result);
    }

    /// <summary>
    /// The same for an RGB image: converted to grey as PIL's <c>convert("L")</c> does
    /// (L = (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16), as wrapper.py's Picture does; the grey eidolon is returned
    /// in all three channels. An image whose longer side is not <see cref="Size"/> is first resized with PIL's
    /// Lanczos filter as the toolbox does (the shorter side becomes round(SZ × ratio)).
    /// </summary>
    public static RgbImage PartiallyCoherent(RgbImage image, double reach, double coherence, double grain,
        Func<double> standardNormal)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h) = WorkingSize(image.Width, image.Height);
        var resized = w == image.Width && h == image.Height ? image : PilResize.Lanczos(image, w, h);
        var grey = ToGrey(resized);
        var eidolon = PartiallyCoherent(grey, w, h, reach, coherence, grain, standardNormal);
        var pixels = new byte[w * h * 3];
        for (int i = 0; i < eidolon.Length; i++)
            pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = eidolon[i];
        return new RgbImage(w, h, pixels);
    }

    /// <summary>PIL's RGB → L conversion.</summary>
    public static byte[] ToGrey(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var p = image.Pixels;
        var grey = new byte[image.Width * image.Height];
        for (int i = 0; i < grey.Length; i++)
            grey[i] = (byte)((p[3 * i] * 19595 + p[3 * i + 1] * 38470 + p[3 * i + 2] * 7471 + 0x8000) >> 16);
        return grey;
    }

    // Picture.GetEmbeddingData: the longer side becomes SZ, the other round(SZ × ratio) (Python 2 rounding, as
    // the published stimuli were made with Python 2.7).
    private static (int Width, int Height) WorkingSize(int width, int height)
    {
        double aspect = (double)height / width;
        return aspect <= 1
            ? (Size, Math.Max(1, (int)Math.Round(aspect * Size, MidpointRounding.AwayFromZero)))
            : (Math.Max(1, (int)Math.Round(Size / aspect, MidpointRounding.AwayFromZero)), Size);
    }

    // DataPlaneDisarray: out[r, c] = plane[trunc(clip(r + reach·dx, 0, h−1)), trunc(clip(c + reach·dy, 0, w−1))],
    // added to the running sum.
    private static void AddDisarrayed(double[] sum, double[] plane, double[] dx, double[] dy, double reach, int w, int h)
    {
        for (int r = 0; r < h; r++)
        {
            for (int c = 0; c < w; c++)
            {
                int i = r * w + c;
                double sr = Math.Clamp(dx[i] * reach + r, 0, h - 1);
                double sc = Math.Clamp(dy[i] * reach + c, 0, w - 1);
                sum[i] += plane[(int)sr * w + (int)sc];
            }
        }
    }
}
