namespace TextureBias.Distortions;

/// <summary>
/// Uniform doubles in [0, 1) for the noise distortions: either numpy's <c>RandomState</c> stream
/// (<see cref="Numpy"/>, for parity with the reference) or a fast generator of ours (<see cref="Fast"/>).
/// </summary>
public abstract class NoiseSource
{
    /// <summary>The next double in [0, 1).</summary>
    public abstract double Next();

    /// <summary>numpy's <c>uniform(low, high)</c>: <c>low + (high - low) * next</c>.</summary>
    public double Uniform(double low, double high) => low + (high - low) * Next();

    /// <summary>numpy's <c>RandomState(seed)</c>.</summary>
    public static NoiseSource Numpy(long seed) => new NumpySource(new NumpyRandomState(seed));

    /// <summary>A fast seeded generator (not numpy's stream).</summary>
    public static NoiseSource Fast(int seed) => new FastSource(new Random(seed));

    sealed class NumpySource(NumpyRandomState state) : NoiseSource
    {
        public override double Next() => state.RandomSample();
    }

    sealed class FastSource(Random random) : NoiseSource
    {
        public override double Next() => random.NextDouble();
    }
}
