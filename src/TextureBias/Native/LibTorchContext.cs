using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Native;

/// <summary>
/// LibTorch switches that TorchSharp 0.107 does not wrap, called in the already loaded
/// <c>libtorch_cpu.so</c> by their C++ (Itanium ABI) names: autocast (<c>at::autocast</c>, the
/// C++ half of PyTorch's <c>torch.autocast</c>; thread-local, like PyTorch's) and cuDNN's
/// benchmark mode (<c>at::globalContext().setBenchmarkCuDNN</c>, PyTorch's
/// <c>torch.backends.cudnn.benchmark</c>). <see cref="Available"/> is false where the names
/// cannot be found (another C++ ABI, another LibTorch).
/// </summary>
internal static unsafe class LibTorchContext
{
    private sealed class Exports
    {
        public delegate* unmanaged<sbyte, byte> IsAutocastEnabled;
        public delegate* unmanaged<sbyte, byte, void> SetAutocastEnabled;
        public delegate* unmanaged<sbyte, sbyte> GetAutocastDtype;
        public delegate* unmanaged<sbyte, sbyte, void> SetAutocastDtype;
        public delegate* unmanaged<int> IncrementNesting;
        public delegate* unmanaged<int> DecrementNesting;
        public delegate* unmanaged<void> ClearCache;
        public delegate* unmanaged<IntPtr> GlobalContext;
        public delegate* unmanaged<IntPtr, byte> BenchmarkCuDnn;
        public delegate* unmanaged<IntPtr, byte, void> SetBenchmarkCuDnn;
    }

    private static readonly Lazy<(Exports? Exports, string Why)> Loaded = new(Load);

    /// <summary>Whether the switches were found.</summary>
    public static bool Available => Loaded.Value.Exports is not null;

    /// <summary>Why they were not (empty when they were).</summary>
    public static string Unavailable => Loaded.Value.Why;

    private static Exports Get() => Loaded.Value.Exports
        ?? throw new TextureBiasException($"this LibTorch's autocast and cuDNN switches cannot be reached ({Loaded.Value.Why})");

    public static bool IsAutocastEnabled(DeviceType device) => Get().IsAutocastEnabled((sbyte)device) != 0;

    public static void SetAutocastEnabled(DeviceType device, bool enabled) => Get().SetAutocastEnabled((sbyte)device, enabled ? (byte)1 : (byte)0);

    public static ScalarType GetAutocastDtype(DeviceType device) => (ScalarType)Get().GetAutocastDtype((sbyte)device);

    public static void SetAutocastDtype(DeviceType device, ScalarType dtype) => Get().SetAutocastDtype((sbyte)device, (sbyte)dtype);

    public static int IncrementAutocastNesting() => Get().IncrementNesting();

    public static int DecrementAutocastNesting() => Get().DecrementNesting();

    public static void ClearAutocastCache() => Get().ClearCache();

    public static bool CudnnBenchmark
    {
        get { var e = Get(); return e.BenchmarkCuDnn(e.GlobalContext()) != 0; }
        set { var e = Get(); e.SetBenchmarkCuDnn(e.GlobalContext(), value ? (byte)1 : (byte)0); }
    }

    private static (Exports?, string) Load()
    {
        if (!LibTorchCpu.TryGet(out var lib, out var why)) return (null, why);
        try
        {
            IntPtr F(string name) => NativeLibrary.TryGetExport(lib, name, out var f) ? f
                : throw new EntryPointNotFoundException(name);
            return (new Exports
            {
                IsAutocastEnabled = (delegate* unmanaged<sbyte, byte>)F("_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE"),
                SetAutocastEnabled = (delegate* unmanaged<sbyte, byte, void>)F("_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb"),
                GetAutocastDtype = (delegate* unmanaged<sbyte, sbyte>)F("_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE"),
                SetAutocastDtype = (delegate* unmanaged<sbyte, sbyte, void>)F("_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE"),
                IncrementNesting = (delegate* unmanaged<int>)F("_ZN2at8autocast17increment_nestingEv"),
                DecrementNesting = (delegate* unmanaged<int>)F("_ZN2at8autocast17decrement_nestingEv"),
                ClearCache = (delegate* unmanaged<void>)F("_ZN2at8autocast11clear_cacheEv"),
                GlobalContext = (delegate* unmanaged<IntPtr>)F("_ZN2at13globalContextEv"),
                BenchmarkCuDnn = (delegate* unmanaged<IntPtr, byte>)F("_ZNK2at7Context14benchmarkCuDNNEv"),
                SetBenchmarkCuDnn = (delegate* unmanaged<IntPtr, byte, void>)F("_ZN2at7Context17setBenchmarkCuDNNEb"),
            }, "");
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, $"libtorch_cpu.so has no {e.Message}");
        }
    }
}
