using TextureBias.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// Mixed precision (<c>--amp bf16|fp16</c>) through LibTorch's own autocast, the C++ half of
/// PyTorch's <c>torch.autocast</c> (TorchSharp 0.107 does not wrap it): inside
/// <see cref="Autocast"/>, convolutions, linear layers and matrix products on that device run in
/// the lower precision and the numerically delicate operations (softmax, losses, norms) in
/// float32, by LibTorch's own lists. Autocast is per thread, as in PyTorch: open it on the thread
/// that runs the forward pass; the backward pass follows the recorded types. On CUDA, bf16 needs
/// an Ampere or newer GPU; on the CPU, LibTorch autocasts to bf16 and fp16 too (slow on CPUs
/// without bf16/fp16 instructions).
/// </summary>
public static class MixedPrecision
{
    /// <summary>The precision <c>--amp</c> names: <c>bf16</c>, <c>fp16</c>, or <c>off</c>/<c>fp32</c>/none for float32.</summary>
    public static Precision Parse(string? text, string option = "--amp") => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "off" or "none" or "fp32" or "float32" => Precision.Float32,
        "bf16" or "bfloat16" => Precision.BFloat16,
        "fp16" or "float16" or "half" => Precision.Float16,
        _ => throw new TextureBiasException($"{option} {text}: not a precision (bf16 or fp16; leave it out for float32)"),
    };

    /// <summary>The name <see cref="Parse"/> takes back: fp32, bf16 or fp16.</summary>
    public static string Name(Precision precision) => precision switch
    {
        Precision.BFloat16 => "bf16",
        Precision.Float16 => "fp16",
        _ => "fp32",
    };

    /// <summary>The tensor type the precision computes in.</summary>
    public static ScalarType DType(Precision precision) => precision switch
    {
        Precision.BFloat16 => ScalarType.BFloat16,
        Precision.Float16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };

    /// <summary>Whether training in <paramref name="precision"/> must scale the loss: fp16 only.</summary>
    public static bool NeedsLossScaling(Precision precision) => precision == Precision.Float16;

    /// <summary>
    /// Autocast on <paramref name="device"/>'s type in <paramref name="precision"/> on this thread
    /// until disposed (nests; the previous state comes back). Float32, and devices autocast does
    /// not know (meta), open nothing.
    /// </summary>
    public static IDisposable Autocast(Device device, Precision precision)
    {
        if (precision == Precision.Float32 || device.type is not (DeviceType.CPU or DeviceType.CUDA)) return NoScope.Instance;
        return new AutocastScope(device.type, DType(precision));
    }

    /// <summary>Whether autocast is on for <paramref name="device"/>'s type on this thread.</summary>
    public static bool IsAutocasting(Device device) => LibTorchContext.IsAutocastEnabled(device.type);

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose() { }
    }

    private sealed class AutocastScope : IDisposable
    {
        private readonly DeviceType _device;
        private readonly bool _wasEnabled;
        private readonly ScalarType _wasDtype;
        private bool _disposed;

        public AutocastScope(DeviceType device, ScalarType dtype)
        {
            _device = device;
            _wasEnabled = LibTorchContext.IsAutocastEnabled(device);
            _wasDtype = LibTorchContext.GetAutocastDtype(device);
            LibTorchContext.SetAutocastEnabled(device, true);
            LibTorchContext.SetAutocastDtype(device, dtype);
            LibTorchContext.IncrementAutocastNesting();
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            // As torch.autocast's __exit__: the cache of cast weights goes with the outermost scope.
            if (LibTorchContext.DecrementAutocastNesting() == 0) LibTorchContext.ClearAutocastCache();
            LibTorchContext.SetAutocastEnabled(_device, _wasEnabled);
            LibTorchContext.SetAutocastDtype(_device, _wasDtype);
        }
    }
}
