namespace TextureBias.Data;

/// <summary>Seeds derived from several numbers, the same in every process and on every machine.</summary>
public static class Seeds
{
    /// <summary>SplitMix64 over the values (unlike <see cref="HashCode.Combine{T1,T2}"/>, which is randomised per process).</summary>
    public static int Mix(params long[] values)
    {
        ulong x = 0x9E3779B97F4A7C15UL;
        foreach (var v in values)
        {
            x ^= (ulong)v + 0x9E3779B97F4A7C15UL + (x << 6) + (x >> 2);
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            x ^= x >> 31;
        }
        return (int)(x & 0x7FFFFFFF);
    }
}
