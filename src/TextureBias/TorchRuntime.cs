using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TextureBias;

/// <summary>
/// What the library does when it loads, before any tensor exists. On Linux it first makes sure
/// TorchSharp's native library will load (<see cref="Native.TorchSharpLoadFix"/>: for apps built
/// without the package's build step, such as a <c>ProjectReference</c> to the library), then applies
/// process-wide settings that make LibTorch fast.
/// <para>
/// glibc maps every allocation above its mmap threshold afresh and unmaps it on free, so a
/// network's large activations are page-faulted in on every forward pass (most of the time of
/// a BagNet forward). Raising the threshold to its 32 MiB maximum, and keeping freed memory
/// instead of trimming it, lets activations under 32 MiB be reused; <see cref="Models.ImageClassifier"/>
/// keeps its activations under that size by running large batches in chunks. Numerics are
/// unchanged. Set <c>TEXTUREBIAS_NO_MALLOC_TUNING=1</c> to leave glibc's defaults. On machines
/// whose CPUID hides the caches, oneDNN is kept off kernels that crash there
/// (<see cref="Native.OneDnnIsaGuard"/>) and NNPACK's failure to start is not logged on every
/// convolution (<see cref="Native.NnpackWarningGuard"/>).
/// </para>
/// </summary>
public static class TorchRuntime
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int param, int value);

    /// <summary>Whether glibc's allocator was tuned.</summary>
    public static bool MallocTuned { get; private set; }

    /// <summary>
    /// Does nothing but make sure the library's start-up has run. It runs by itself at the first
    /// use of any TextureBias type; an app that calls TorchSharp itself before that should call
    /// this first.
    /// </summary>
    public static void EnsureInitialized()
    {
    }

#pragma warning disable CA2255 // a module initializer is the point: before any tensor exists
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        Native.OneDnnIsaGuard.Apply();
        if (!OperatingSystem.IsLinux()) return;
        Native.NnpackWarningGuard.Apply();
        Native.HugePageAllocations.Apply();
        if (Environment.GetEnvironmentVariable("TEXTUREBIAS_NO_NATIVE_FIX") != "1")
        {
            try
            {
                foreach (var problem in Native.TorchSharpLoadFix.Apply(AppContext.BaseDirectory)) Console.Error.WriteLine(problem);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"TextureBias: checking libLibTorchSharp.so failed: {e.Message}");
            }
        }
        if (Environment.GetEnvironmentVariable("TEXTUREBIAS_NO_MALLOC_TUNING") == "1") return;
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
