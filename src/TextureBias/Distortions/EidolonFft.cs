namespace TextureBias.Distortions;

/// <summary>
/// A radix-2 complex FFT in float64, just enough for the Eidolon toolbox's convolutions, which are
/// circular 1-D convolutions of flattened planes whose length (width × height, both powers of two)
/// is a power of two.
/// </summary>
internal sealed class EidolonFft
{
    private readonly int _n;
    private readonly int _log2N;
    private readonly double[] _cos;
    private readonly double[] _sin;

    /// <summary>Prepares twiddle factors for transforms of length <paramref name="n"/> (a power of two).</summary>
    public EidolonFft(int n)
    {
        if (n < 2 || (n & (n - 1)) != 0) throw new ArgumentException($"FFT length must be a power of two, got {n}");
        _n = n;
        _log2N = System.Numerics.BitOperations.Log2((uint)n);
        _cos = new double[n / 2];
        _sin = new double[n / 2];
        for (int k = 0; k < n / 2; k++)
        {
            double angle = 2.0 * Math.PI * k / n;
            _cos[k] = Math.Cos(angle);
            _sin[k] = Math.Sin(angle);
        }
    }

    /// <summary>The transform length.</summary>
    public int Length => _n;

    /// <summary>
    /// In-place transform of (<paramref name="re"/>, <paramref name="im"/>): forward uses e^(−2πi kn/N);
    /// inverse uses e^(+2πi kn/N) and is not scaled.
    /// </summary>
    public void Transform(double[] re, double[] im, bool inverse)
    {
        int n = _n;
        // Bit-reversal permutation.
        for (int i = 0; i < n; i++)
        {
            int j = (int)(ReverseBits((uint)i) >> (32 - _log2N));
            if (j > i)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        double sign = inverse ? 1.0 : -1.0;
        for (int size = 2; size <= n; size <<= 1)
        {
            int half = size >> 1;
            int step = n / size;
            for (int start = 0; start < n; start += size)
            {
                for (int k = 0, t = 0; k < half; k++, t += step)
                {
                    double wr = _cos[t], wi = sign * _sin[t];
                    int a = start + k, b = a + half;
                    double xr = re[b] * wr - im[b] * wi;
                    double xi = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                }
            }
        }
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
