namespace TextureBias.Distortions;

/// <summary>
/// The reference's <c>false_colour</c>: pixel values through the monitor gamma (<c>x_gamma_function.npy</c>),
/// RGB → cone activations (matrix M), minus the white point, → DKL opponent space (matrix N, Brainard 1996);
/// the L−M and S−Lum channels negated; back through N⁻¹, the white point and M⁻¹; clipped to [0, 1]; each
/// value replaced by the index of the nearest gamma value over 255. Level <c>True</c> leaves the image as
/// is, <c>False</c> is the opponent-colour image (model-vs-human's condition names).
/// </summary>
public sealed class FalseColourDistortion : Distortion
{
    // The reference's matrices (cone sensitivities for the monitor primaries; DKL from cone contrasts).
    static readonly double[,] M =
    {
        { 0.1619982647, 0.208049264, 0.0389347448 },
        { 0.0330275785, 0.2496504557, 0.0618343518 },
        { 0.0015524055, 0.0198861001, 0.1890224274 },
    };
    static readonly double[,] N =
    {
        { 9.27590805, 9.27590805, 0 },
        { 7.86421647, -9.33587662, 0 },
        { -3.39709047, -3.39709047, 12.16230246 },
    };
    static readonly double[] WhitePoint = { 0.20449114, 0.17225619, 0.10523047 };
    static readonly double[,] MInverse = Invert(M), NInverse = Invert(N);

    /// <inheritdoc />
    public override string Name => "false-colour";

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } = L((0, "True"), (1, "False"));

    /// <inheritdoc />
    protected override string LevelHelp => "True (original colours) or False (opponent colours)";

    /// <inheritdoc />
    protected override bool IsValid(double value) => false;

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
    {
        if (level.Value == 0) return image;
        if (image.Channels != 3) throw new TextureBiasException("false-colour needs a colour image");
        var gamma = ReferenceData.GammaFunction;
        var v = image.Values;
        var o = new double[v.Length];
        var m = Flat(M);
        var n = Flat(N);
        var ni = Flat(NInverse);
        var mi = Flat(MInverse);
        double w0 = WhitePoint[0], w1 = WhitePoint[1], w2 = WhitePoint[2];
        for (int i = 0; i < v.Length; i += 3)
        {
            // x * 255, astype(uint8), then the gamma lookup
            double p0 = gamma[(byte)(v[i] * 255)], p1 = gamma[(byte)(v[i + 1] * 255)], p2 = gamma[(byte)(v[i + 2] * 255)];
            // cones minus the white point
            double c0 = m[0] * p0 + m[1] * p1 + m[2] * p2 - w0;
            double c1 = m[3] * p0 + m[4] * p1 + m[5] * p2 - w1;
            double c2 = m[6] * p0 + m[7] * p1 + m[8] * p2 - w2;
            // DKL, with L−M and S−Lum negated
            double d0 = n[0] * c0 + n[1] * c1 + n[2] * c2;
            double d1 = -1 * (n[3] * c0 + n[4] * c1 + n[5] * c2);
            double d2 = -1 * (n[6] * c0 + n[7] * c1 + n[8] * c2);
            // back to cones, plus the white point
            double e0 = ni[0] * d0 + ni[1] * d1 + ni[2] * d2 + w0;
            double e1 = ni[3] * d0 + ni[4] * d1 + ni[5] * d2 + w1;
            double e2 = ni[6] * d0 + ni[7] * d1 + ni[8] * d2 + w2;
            // back to RGB, clipped, through the inverse gamma
            o[i] = Nearest(gamma, Clip01(mi[0] * e0 + mi[1] * e1 + mi[2] * e2)) / 255.0;
            o[i + 1] = Nearest(gamma, Clip01(mi[3] * e0 + mi[4] * e1 + mi[5] * e2)) / 255.0;
            o[i + 2] = Nearest(gamma, Clip01(mi[6] * e0 + mi[7] * e1 + mi[8] * e2)) / 255.0;
        }
        return new FloatImage(image.Width, image.Height, 3, o);
    }

    static double Clip01(double x) => x > 1 ? 1 : x < 0 ? 0 : x;

    static double[] Flat(double[,] a) => [a[0, 0], a[0, 1], a[0, 2], a[1, 0], a[1, 1], a[1, 2], a[2, 0], a[2, 1], a[2, 2]];

    const int Buckets = 4096;
    static readonly Lazy<int[]> BucketStart = new(() =>
    {
        // BucketStart[b]: the first index whose gamma value is ≥ b / Buckets (a start for the lower-bound scan).
        var g = ReferenceData.GammaFunction;
        var start = new int[Buckets + 1];
        int i = 0;
        for (int b = 0; b <= Buckets; b++)
        {
            while (i < g.Length && g[i] < (double)b / Buckets) i++;
            start[b] = i;
        }
        return start;
    });

    // np.abs(g - v).argmin(): the first index of the smallest distance (g is increasing, v in [0, 1]).
    static int Nearest(double[] g, double v)
    {
        int b = (int)(v * Buckets);
        int lo = Math.Max(0, BucketStart.Value[b] - 1);
        while (lo < g.Length - 1 && g[lo] < v) lo++; // lo: the first index with g[lo] ≥ v (or the last)
        int best = lo;
        for (int k = Math.Max(0, lo - 1); k <= Math.Min(g.Length - 1, lo + 1); k++)
            if (Math.Abs(g[k] - v) < Math.Abs(g[best] - v) || (Math.Abs(g[k] - v) == Math.Abs(g[best] - v) && k < best)) best = k;
        return best;
    }

    static double[,] Invert(double[,] a)
    {
        double det = a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1])
                   - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
                   + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);
        var r = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
                r[i, j] = (a[i1, j1] * a[i2, j2] - a[i1, j2] * a[i2, j1]) / det;
            }
        return r;
    }
}
