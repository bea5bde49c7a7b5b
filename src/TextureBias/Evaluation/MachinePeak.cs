using System.Text.Json;
using TextureBias.Data;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// The machine's peak for bench lines: read from the cache <c>peak.json</c> in
/// <see cref="CacheFolders.Root"/> (<c>$TEXTUREBIAS_CACHE</c>, else <c>~/.cache/texturebias</c>),
/// keyed by CPU model, threads, device, LibTorch version and oneDNN's instruction-set cap (<see cref="MachinePeakKey"/>); when
/// there is none for this key, measured (the short version of <see cref="PeakBenchmark"/>, a few
/// seconds) and cached. The file is written atomically; an unreadable one counts as empty.
/// </summary>
public static class MachinePeak
{
    /// <summary>The cache file's name.</summary>
    public const string FileName = "peak.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>The cache file: <c>peak.json</c> in <see cref="CacheFolders.Root"/>.</summary>
    public static string DefaultCacheFile => Path.Combine(CacheFolders.Root, FileName);

    /// <summary>LibTorch's version (TorchSharp's <c>torch.__version__</c>).</summary>
    public static string LibTorchVersion => torch.__version__;

    /// <summary>
    /// oneDNN's instruction-set cap in this process: <c>ONEDNN_MAX_CPU_ISA</c> (or <c>DNNL_MAX_CPU_ISA</c>)
    /// as the user set it, the cap <see cref="Native.OneDnnIsaGuard"/> set on a machine that hides its
    /// caches, or "default" (oneDNN picks the best kernels the CPU has).
    /// </summary>
    public static string OneDnnIsa =>
        Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA")
        ?? Native.OneDnnIsaGuard.AppliedCap ?? "default";

    /// <summary>The CPU's model name from /proc/cpuinfo; the processor architecture where there is none.</summary>
    public static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int i and >= 0)
                    return line[(i + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The key of a peak measured now on <paramref name="device"/>.</summary>
    public static MachinePeakKey KeyFor(Device device) => new(CpuModel(), get_num_threads(), device.ToString(), LibTorchVersion, OneDnnIsa);

    /// <summary>The cached entries of <paramref name="cacheFile"/> (default <see cref="DefaultCacheFile"/>); none when it is missing or unreadable.</summary>
    public static IReadOnlyList<MachinePeakEntry> Entries(string? cacheFile = null)
    {
        var path = cacheFile ?? DefaultCacheFile;
        try
        {
            if (!File.Exists(path)) return [];
            var entries = JsonSerializer.Deserialize<List<MachinePeakEntry>>(File.ReadAllText(path), Json);
            return entries?.Where(e => e?.Key is not null && e.Gflops > 0).ToList() ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return [];
        }
    }

    /// <summary>The cached peak for <paramref name="key"/>, or null.</summary>
    public static MachinePeakEntry? Cached(MachinePeakKey key, string? cacheFile = null) =>
        Entries(cacheFile).LastOrDefault(e => e.Key == key);

    /// <summary>
    /// Caches <paramref name="result"/> (replacing the entry of the same key) and returns the file,
    /// or null when it could not be written (the measurement stands; only the cache is lost).
    /// </summary>
    public static string? Store(PeakBenchmarkResult result, string? cacheFile = null)
    {
        if (result.Gflops is not { } gflops || gflops <= 0) return null;
        var path = cacheFile ?? DefaultCacheFile;
        var key = new MachinePeakKey(result.Cpu, result.Threads, result.Device, result.Libtorch, result.OnednnIsa);
        var entries = Entries(path).Where(e => e.Key != key).ToList();
        entries.Add(new MachinePeakEntry(key, gflops, result.Quick, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));
        try
        {
            AtomicFile.WriteText(path, JsonSerializer.Serialize(entries, Json) + "\n");
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The peak for bench lines on <paramref name="device"/>: <paramref name="given"/> when set
    /// (<c>--peak</c>), else <c>TEXTUREBIAS_PEAK</c> when set, else the cached one for this machine, else measured now (the short
    /// version) and cached.
    /// </summary>
    public static MachinePeakLookup Get(Device device, double? given = null, string? cacheFile = null) =>
        Get(device, given, cacheFile, () => PeakBenchmark.Run(runs: PeakBenchmark.QuickRuns, warmup: 1, device: device, quick: true));

    /// <summary>The environment variable that gives the peak to every bench line, as <c>--peak</c> does (which wins over it).</summary>
    public const string PeakVariable = "TEXTUREBIAS_PEAK";

    /// <summary>Throws when a given peak (<c>--peak</c>, or <c>TEXTUREBIAS_PEAK</c>) is not a positive finite number.</summary>
    /// <exception cref="TextureBiasException">It is not.</exception>
    public static void Check(double? given) => Given(given);

    /// <summary><paramref name="option"/> (<c>--peak</c>) when set, else <c>TEXTUREBIAS_PEAK</c> when set and not empty, else null.</summary>
    /// <exception cref="TextureBiasException">The one used is not a positive finite number.</exception>
    public static double? Given(double? option)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (option is { } g)
        {
            if (!(g > 0) || double.IsInfinity(g))
                throw new TextureBiasException($"--peak {g.ToString(invariant)}: the peak must be a positive number of GFLOP/s");
            return g;
        }
        if (Environment.GetEnvironmentVariable(PeakVariable) is not { Length: > 0 } text) return null;
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, invariant, out double e) || !(e > 0) || double.IsInfinity(e))
            throw new TextureBiasException($"{PeakVariable}={text}: the peak must be a positive number of GFLOP/s");
        return e;
    }

    /// <summary>
    /// The peak without measuring: <paramref name="given"/>, else the cached one, else null (for
    /// lines that do no network work, as <c>bench distort</c>, which should not spend seconds on it).
    /// </summary>
    public static MachinePeakLookup? Known(Device device, double? given = null, string? cacheFile = null)
    {
        if (Given(given) is { } g) return new MachinePeakLookup(g, "given");
        return Cached(KeyFor(device), cacheFile) is { } cached ? new MachinePeakLookup(cached.Gflops, "cached") : null;
    }

    /// <summary><see cref="Get(Device, double?, string?)"/> with the measurement given (tests count its calls).</summary>
    internal static MachinePeakLookup Get(Device device, double? given, string? cacheFile, Func<PeakBenchmarkResult> measure)
    {
        if (Given(given) is { } g) return new MachinePeakLookup(g, "given");
        if (Cached(KeyFor(device), cacheFile) is { } cached) return new MachinePeakLookup(cached.Gflops, "cached");
        var measured = measure();
        Store(measured, cacheFile);
        return new MachinePeakLookup(measured.Gflops ?? 0, "measured");
    }
}
