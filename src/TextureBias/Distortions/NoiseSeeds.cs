using System.Text;
using TextureBias.Data;

namespace TextureBias.Distortions;

/// <summary>The noise source of one image at one level in a folder job.</summary>
public static class NoiseSeeds
{
    /// <summary>numpy's stream when <paramref name="numpySeed"/> is set, else our generator seeded by (seed, relative path, level).</summary>
    public static NoiseSource For(long? numpySeed, int seed, string relativePath, DistortionLevel level) =>
        numpySeed is { } s ? NoiseSource.Numpy(s)
            : NoiseSource.Fast(Seeds.Mix(seed, Fnv(relativePath), BitConverter.DoubleToInt64Bits(level.Value)));

    static long Fnv(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text)) h = (h ^ b) * 1099511628211UL;
        return (long)h;
    }
}
