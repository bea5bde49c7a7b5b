using System.Globalization;

namespace TextureBias.Evaluation;

/// <summary>
/// The process's peak resident memory, from Linux's <c>VmHWM</c> in <c>/proc/self/status</c>;
/// <see cref="Reset"/> starts a new peak (writes 5 to <c>/proc/self/clear_refs</c>), so each
/// benchmark of <c>bench all</c> reports its own.
/// </summary>
public static class PeakRss
{
    /// <summary>The peak resident memory so far (since the last <see cref="Reset"/>), in MB (2²⁰ bytes, one decimal); null where unreadable.</summary>
    public static double? Megabytes() => Kilobytes("VmHWM") is { } kb ? Math.Round(kb / 1024.0, 1) : null;

    /// <summary>The resident memory now, in MB; null where unreadable.</summary>
    public static double? CurrentMegabytes() => Kilobytes("VmRSS") is { } kb ? Math.Round(kb / 1024.0, 1) : null;

    /// <summary>Sets the peak to the memory resident now; false where the kernel refuses (or not Linux): the peak then stays the process's.</summary>
    public static bool Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    private static long? Kilobytes(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal)
                    && long.TryParse(line[(field.Length + 1)..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb))
                    return kb;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
