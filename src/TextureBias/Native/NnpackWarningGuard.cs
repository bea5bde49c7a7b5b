using System.Runtime.InteropServices;

namespace TextureBias.Native;

/// <summary>
/// Keeps LibTorch from printing "Could not initialize NNPACK! Reason: Unsupported hardware." on
/// every convolution of a large batch, on the machines whose CPUID hides the caches
/// (<see cref="OneDnnIsaGuard"/>): NNPACK reads the same missing cache description, fails to start,
/// and LibTorch logs the failure each time it asks (34 lines in one demo) before using its other
/// kernels, as it does anyway. On those machines only, LibTorch's own log level
/// (<c>FLAGS_caffe2_log_level</c> of <c>libc10.so</c>, what <c>TORCH_CPP_LOG_LEVEL</c> sets in
/// Python) is raised from WARNING to ERROR before LibTorch loads; errors still show, numerics are
/// unchanged. A user's own <c>TORCH_CPP_LOG_LEVEL</c> is left alone.
/// </summary>
public static class NnpackWarningGuard
{
    private const int Error = 2;

    /// <summary>Whether LibTorch's warnings were silenced on this machine.</summary>
    public static bool Applied { get; private set; }

    internal static void Apply()
    {
        if (!OneDnnIsaGuard.CacheHierarchyHidden() || Environment.GetEnvironmentVariable("TORCH_CPP_LOG_LEVEL") is not null) return;
        try
        {
            string local = Path.Combine(AppContext.BaseDirectory, "libc10.so");
            if (!(File.Exists(local) && NativeLibrary.TryLoad(local, out var c10))
                && !NativeLibrary.TryLoad("libc10.so", typeof(NnpackWarningGuard).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories, out c10))
                return;
            if (!NativeLibrary.TryGetExport(c10, "FLAGS_caffe2_log_level", out var level)) return;
            if (Marshal.ReadInt32(level) < Error) Marshal.WriteInt32(level, Error);
            Applied = true;
        }
        catch (Exception e) when (e is BadImageFormatException or DllNotFoundException or ArgumentException)
        {
            // Not loadable here: the warnings stay, nothing else changes.
        }
    }
}
