namespace TextureBias.Data;

/// <summary>File sizes for people: 812 bytes, 3.4 KiB, 97.8 MiB, 1.2 GiB.</summary>
public static class ByteSize
{
    /// <summary>Formats <paramref name="bytes"/> with binary units and one decimal.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} bytes",
    };
}
