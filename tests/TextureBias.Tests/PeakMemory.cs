namespace TextureBias.Tests;

/// <summary>
/// The peak resident memory an action adds to this process, from Linux's VmHWM after resetting it
/// through /proc/self/clear_refs. Tests that measure run in the <see cref="MemoryCollection"/>, alone.
/// </summary>
internal static class PeakMemory
{
    /// <summary>Whether this system can measure (Linux with a writable clear_refs).</summary>
    public static bool Available { get; } = OperatingSystem.IsLinux() && TryReset();

    /// <summary>Runs <paramref name="action"/> and returns how many bytes the resident peak rose above the memory before it; -1 where unmeasurable.</summary>
    public static long Added(Action action)
    {
        if (!Available)
        {
            action();
            return -1;
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = Kilobytes("VmRSS");
        TryReset();
        action();
        return (Kilobytes("VmHWM") - before) * 1024;
    }

    private static bool TryReset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Kilobytes(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"no {field} in /proc/self/status");
    }
}
