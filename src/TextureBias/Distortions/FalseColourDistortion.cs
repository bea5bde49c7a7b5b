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
        Span<double> p = stackalloc double[3], c = stackalloc double[3], d = stackalloc double[3];
        for (int i = 0; i < v.Length; i += 3)
        {
            for (int k = 0; k < 3; k++) p[k] = gamma[(byte)(v[i + k] * 255)]; // x * 255, astype(uint8), lookup
            Multiply(M, p, c);
            for (int k = 0; k < 3; k++) c[k] -= WhitePoint[k];
            Multiply(N, c, d);
            d[1] = -1 * d[1];
            d[2] = -1 * d[2];
            Multiply(NInverse, d, c);
            for (int k = 0; k < 3; k++) c[k] += WhitePoint[k];
            Multiply(MInverse, c, p);
            for (int k = 0; k < 3; k++) o[i + k] = Nearest(gamma, p[k] > 1 ? 1 : p[k] < 0 ? 0 : p[k]) / 255.0;
        }
        return new FloatImage(image.Width, image.Height, 3, o);
    }

    static void Multiply(double[,] a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int r = 0; r < 3; r++) y[r] = a[r, 0] * x[0] + a[r, 1] * x[1] + a[r, 2] * x[2];
    }

    // np.abs(g - v).argmin(): the first index of the smallest distance (g is increasing).
    static int Nearest(double[] g, double v)
    {
        int lo = 0, hi = g.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (g[mid] < v) lo = mid + 1; else hi = mid;
        }
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
