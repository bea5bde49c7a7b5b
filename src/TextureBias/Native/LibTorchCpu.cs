using System.Runtime.InteropServices;

namespace TextureBias.Native;

/// <summary>
/// The process's already loaded <c>libtorch_cpu.so</c>, for the exports TorchSharp does not wrap
/// (<see cref="LibTorchContext"/>, <see cref="MkldnnShims"/>): LibTorch is initialised first, so
/// the soname finds that copy, not another.
/// </summary>
internal static class LibTorchCpu
{
    private static readonly Lazy<(nint Handle, string Why)> Loaded = new(Load);

    /// <summary>The library's handle, or why there is none.</summary>
    public static bool TryGet(out nint handle, out string why)
    {
        (handle, why) = Loaded.Value;
        return handle != 0;
    }

    private static (nint, string) Load()
    {
        if (!OperatingSystem.IsLinux()) return (0, "only the Linux build's library name is known");
        TorchRuntime.EnsureInitialized();
        return NativeLibrary.TryLoad("libtorch_cpu.so", out var lib) ? (lib, "") : (0, "libtorch_cpu.so not found");
    }
}
