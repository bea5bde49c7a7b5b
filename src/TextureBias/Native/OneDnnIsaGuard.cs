using System.Runtime.Intrinsics.X86;

namespace TextureBias.Native;

/// <summary>
/// Keeps LibTorch's oneDNN from crashing on machines whose CPUID reports no cache hierarchy. Some
/// virtual machines (seen on an AMD EPYC guest: CPUID leaves 4, 0xB, 0x8000001D and 0x8000001E
/// all zero) hide it, and oneDNN 3's brgemm 1×1 convolution then divides by zero while choosing
/// its blocking (<c>brg_blocking_t::est_eff_1x1</c>), which kills the process with SIGFPE. On such
/// a machine the caches are first described to oneDNN from CPUID's older leaves
/// (<see cref="OneDnnCacheDescription"/>): its AVX-512 kernels then run, correct and fast. When that
/// cannot be done, oneDNN is capped at AVX (<c>ONEDNN_MAX_CPU_ISA=AVX</c>): its older JIT kernels,
/// slower but correct. A user's own <c>ONEDNN_MAX_CPU_ISA</c> or <c>DNNL_MAX_CPU_ISA</c> is left as
/// it is; <c>TEXTUREBIAS_ONEDNN_ISA=avx</c> asks for the cap, and <c>TEXTUREBIAS_ONEDNN_ISA=default</c>
/// turns the guard off.
/// </summary>
public static class OneDnnIsaGuard
{
    /// <summary>The cap set on this machine, or null when oneDNN picks its kernels freely.</summary>
    public static string? AppliedCap { get; private set; }

    /// <summary>
    /// Whether oneDNN was given the cache sizes CPUID hides (<see cref="OneDnnCacheDescription"/>):
    /// then its kernels run uncapped.
    /// </summary>
    public static bool CachesDescribed { get; private set; }

    /// <summary>Why the cap was or was not set (for <c>texturebias bench</c> and bug reports).</summary>
    public static string Reason { get; private set; } = "not checked";

    /// <summary>Checks the CPU once and sets the cap in the native environment (before oneDNN reads it).</summary>
    internal static void Apply()
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !X86Base.IsSupported) { Reason = "not an x86 Linux machine"; return; }
            string? own = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
            if (own is not null) { Reason = $"ONEDNN_MAX_CPU_ISA={own} set by the user"; return; }
            if (string.Equals(Environment.GetEnvironmentVariable("TEXTUREBIAS_ONEDNN_ISA"), "default", StringComparison.OrdinalIgnoreCase))
            { Reason = "TEXTUREBIAS_ONEDNN_ISA=default"; return; }
            if (!CacheHierarchyHidden()) { Reason = "CPUID reports the caches"; return; }
            string? whyNot = "TEXTUREBIAS_ONEDNN_ISA=avx";
            if (!string.Equals(Environment.GetEnvironmentVariable("TEXTUREBIAS_ONEDNN_ISA"), "avx", StringComparison.OrdinalIgnoreCase))
            {
                whyNot = LibTorchCpu() is { } library ? OneDnnCacheDescription.TryApply(library) : "libtorch_cpu.so not found beside the app";
                if (whyNot is null && OneDnnCacheDescription.Written is var (l1, l2, l3))
                {
                    CachesDescribed = true;
                    Reason = $"CPUID's cache leaves are empty (a virtual machine?): oneDNN was given L1 {l1 >> 10} KiB, L2 {l2 >> 10} KiB, L3 {l3 >> 10} KiB per core from CPUID's older leaves";
                    return;
                }
            }
            if (NativeEnvironment.SetIfUnset("ONEDNN_MAX_CPU_ISA", "AVX"))
            {
                AppliedCap = "AVX";
                Reason = $"CPUID reports no caches (a virtual machine?): oneDNN's brgemm kernels would crash, and the caches could not be described to it ({whyNot})";
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
        {
            Reason = "not glibc";
        }
    }

    private static string? LibTorchCpu()
    {
        foreach (var candidate in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "libtorch_cpu.so"),
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cpu.so"),
        })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    /// <summary>Whether the CPUID leaves that describe the data caches are empty.</summary>
    public static bool CacheHierarchyHidden()
    {
        if (!X86Base.IsSupported) return false;
        var (maxLeaf, vendorB, vendorC, vendorD) = X86Base.CpuId(0, 0);
        bool amd = vendorB == 0x68747541 && vendorD == 0x69746e65 && vendorC == 0x444d4163; // "AuthenticAMD"
        if (amd)
        {
            uint maxExtended = (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
            if (maxExtended < 0x8000001D) return false; // older AMD: oneDNN reads leaves 0x80000005/6
            return (X86Base.CpuId(unchecked((int)0x8000001D), 0).Eax & 0x1f) == 0;
        }
        if (maxLeaf < 4) return false;
        return (X86Base.CpuId(4, 0).Eax & 0x1f) == 0;
    }
}
