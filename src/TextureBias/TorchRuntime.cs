using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TextureBias;

/// <summary>
/// Process-wide settings that make LibTorch fast on Linux, applied when the library loads.
/// glibc maps every allocation above its mmap threshold afresh and unmaps it on free, so a
/// network's large activations are page-faulted in on every forward pass (most of the time of
/// a BagNet forward). Raising the threshold to its 32 MiB maximum, and keeping freed memory
/// instead of trimming it, lets activations under 32 MiB be reused; <see cref="Models.ImageClassifier"/>
/// keeps its activations under that size by running large batches in chunks. Numerics are
/// unchanged. Set <c>TEXTUREBIAS_NO_MALLOC_TUNING=1</c> to leave glibc's defaults. On machines
/// whose CPUID hides the caches, oneDNN is kept off kernels that crash there
/// (<see cref="Native.OneDnnIsaGuard"/>).
/// </summary>
public static class TorchRuntime
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int param, int value);

    /// <summary>
    /// Runs the settings now if nothing of this library has run yet (a program that calls
    /// TorchSharp itself before any TextureBias type should call this first). They are applied
    /// once; later calls do nothing.
    /// </summary>
    public static void EnsureInitialized() { }

    /// <summary>Whether glibc's allocator was tuned.</summary>
    public static bool MallocTuned { get; private set; }

#pragma warning disable CA2255 // a module initializer is the point: before any tensor exists
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        Native.OneDnnIsaGuard.Apply();
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("TEXTUREBIAS_NO_MALLOC_TUNING") == "1") return;
        try
        {
            MallocTuned = MallOpt(M_MMAP_THRESHOLD, 32 << 20) == 1 && MallOpt(M_TRIM_THRESHOLD, 512 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, for instance): nothing to tune.
        }
    }
}
