using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Tests;

/// <summary>
/// Makes meta LibTorch's default device until disposed: a tensor the code under test makes
/// without naming a device lands on meta, and the first operation mixing it with the CPU tensors
/// of a network fails, as it would against CUDA tensors. Process-wide: use it only in tests of
/// the <see cref="DefaultDeviceCollection"/> (README "GPUs", how device handling is tested).
/// </summary>
internal sealed class DefaultDeviceMeta : IDisposable
{
    public DefaultDeviceMeta() => set_default_device(Devices.Meta);

    public void Dispose() => set_default_device(Devices.Cpu);
}
