namespace TextureBias.Distortions;

/// <summary>
/// numpy's legacy <c>numpy.random.RandomState</c>: MT19937 seeded from one 32-bit integer
/// (<c>RandomState(seed)</c> and <c>np.random.seed(seed)</c> call MT19937's <c>init_genrand</c>),
/// with numpy's conversions to doubles, uniforms and Gaussians, so that a stream drawn here equals
/// the one a Python script draws with the same seed, value for value.
/// </summary>
/// <remarks>Not thread-safe: one instance per thread of draws.</remarks>
public sealed class NumpyRandomState
{
    const int N = 624, M = 397;
    const uint MatrixA = 0x9908b0dfU, UpperMask = 0x80000000U, LowerMask = 0x7fffffffU;

    readonly uint[] _mt = new uint[N];
    int _index;
    readonly LegacyGauss _gauss;

    /// <summary>The state of <c>RandomState(seed)</c>; numpy accepts seeds 0 … 2³²−1.</summary>
    public NumpyRandomState(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "numpy seeds must be between 0 and 2**32 - 1");
        _mt[0] = (uint)seed;
        for (int i = 1; i < N; i++)
            _mt[i] = 1812433253U * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _index = N;
        _gauss = new LegacyGauss(RandomSample);
    }

    /// <summary>The next 32-bit output of MT19937 (numpy's <c>random_bounded_uint32</c> building block).</summary>
    public uint NextUInt32()
    {
        if (_index >= N) Generate();
        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    void Generate()
    {
        int k;
        uint y;
        for (k = 0; k < N - M; k++)
        {
            y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
            _mt[k] = _mt[k + M] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
        }
        for (; k < N - 1; k++)
        {
            y = (_mt[k] & UpperMask) | (_mt[k + 1] & LowerMask);
            _mt[k] = _mt[k + (M - N)] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
        }
        y = (_mt[N - 1] & UpperMask) | (_mt[0] & LowerMask);
        _mt[N - 1] = _mt[M - 1] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
        _index = 0;
    }

    /// <summary><c>random_sample()</c>: a double in [0, 1) from 53 random bits (two 32-bit outputs).</summary>
    public double RandomSample()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary><c>random_sample(n)</c>: n doubles in the order numpy fills an array (C order).</summary>
    public double[] RandomSample(int n)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = RandomSample();
        return r;
    }

    /// <summary><c>uniform(low, high)</c>: <c>low + (high - low) * random_sample()</c>, as numpy computes it.</summary>
    public double Uniform(double low, double high) => low + (high - low) * RandomSample();

    /// <summary><c>uniform(low, high, size=n)</c> in C order.</summary>
    public double[] Uniform(double low, double high, int n)
    {
        var r = new double[n];
        double range = high - low;
        for (int i = 0; i < n; i++) r[i] = low + range * RandomSample();
        return r;
    }

    /// <summary>
    /// <c>standard_normal()</c> of the legacy generator (<c>legacy_gauss</c>): the polar Box–Muller
    /// method, which makes two values at a time and returns the second on the next call.
    /// </summary>
    public double StandardNormal() => _gauss.Next();
}
