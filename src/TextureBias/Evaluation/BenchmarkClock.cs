using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>What benchmarks need to time work on a device that runs asynchronously (CUDA).</summary>
internal static class BenchmarkClock
{
    /// <summary>Waits until <paramref name="device"/> has done the work queued on it; nothing to wait for on the CPU.</summary>
    public static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}
