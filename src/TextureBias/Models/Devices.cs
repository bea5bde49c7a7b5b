using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// The devices networks run on: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (CUDA when
/// LibTorch sees a GPU, else the CPU), as given to <c>--device</c>. CUDA needs the CUDA build
/// (<c>dotnet build -c Release -p:TorchBackend=cuda</c>, README "GPUs"); asking for it where it
/// is absent is a <see cref="TextureBiasException"/> with one line. LibTorch's shape-only
/// <c>meta</c> device is for tests: .NET code passes <c>new Device(DeviceType.META)</c>; as text it
/// is accepted only when <see cref="MetaVariable"/> is 1.
/// </summary>
public static partial class Devices
{
    /// <summary>The LibTorch backend this library was built against: "cpu" (TorchSharp-cpu) or "cuda" (TorchSharp-cuda-linux).</summary>
#if TEXTUREBIAS_CUDA
    public const string Backend = "cuda";
#else
    public const string Backend = "cpu";
#endif

    /// <summary>The environment variable that lets the text "meta" through (tests only; not a user feature).</summary>
    public const string MetaVariable = "TEXTUREBIAS_META_DEVICE";

    /// <summary>The CPU.</summary>
    public static Device Cpu => torch.CPU;

    /// <summary>LibTorch's meta device: operations only compute shapes, and a tensor left on the CPU makes them fail.</summary>
    public static Device Meta => new(DeviceType.META);

    /// <summary>Whether <paramref name="device"/> is the CPU (null counts as the CPU: where tensors are made by default).</summary>
    public static bool IsCpu(Device? device) => device is null || device.type == DeviceType.CPU;

    /// <summary>The number of CUDA devices LibTorch sees (0 in the CPU build or without a GPU and driver).</summary>
    public static int CudaDeviceCount() => cuda.is_available() ? cuda.device_count() : 0;

    /// <summary>
    /// The device <paramref name="text"/> names (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, <c>auto</c>),
    /// checked against the CUDA devices present; <paramref name="option"/> names the option in errors.
    /// </summary>
    public static Device Parse(string text, string option = "--device") =>
        Parse(text, NeedsCuda(text) ? CudaDeviceCount() : 0, Environment.GetEnvironmentVariable(MetaVariable) == "1", option);

    /// <summary>
    /// <see cref="Parse(string, string)"/> with <paramref name="cudaDevices"/> CUDA devices present,
    /// and <c>meta</c> accepted when <paramref name="allowMeta"/>.
    /// </summary>
    public static Device Parse(string text, int cudaDevices, bool allowMeta, string option = "--device")
    {
        string t = (text ?? "").Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "auto") return cudaDevices > 0 ? new Device(DeviceType.CUDA, 0) : Cpu;
        if (t == "meta" && allowMeta) return Meta;
        var m = CudaPattern().Match(t);
        if (!m.Success) throw new TextureBiasException($"{option} {text}: not a device (cpu, cuda, cuda:N or auto)");
        if (cudaDevices == 0)
            throw new TextureBiasException($"{option} {text}: CUDA is not available (" +
                (Backend == "cpu" ? "this build uses TorchSharp-cpu" : "no NVIDIA GPU or driver found") + "; see README 'GPUs')");
        if (!m.Groups[1].Success) return new Device(DeviceType.CUDA, 0);
        if (!int.TryParse(m.Groups[1].Value, out int index) || index >= cudaDevices)
            throw new TextureBiasException($"{option} {text}: there {(cudaDevices == 1 ? "is 1 CUDA device (cuda:0)" : $"are {cudaDevices} CUDA devices (cuda:0 to cuda:{cudaDevices - 1})")}");
        return new Device(DeviceType.CUDA, index);
    }

    /// <summary>The device of <paramref name="module"/>'s first parameter or buffer (the CPU for a module with neither).</summary>
    public static Device Of(nn.Module module)
    {
        foreach (var p in module.parameters()) return p.device;
        foreach (var b in module.buffers()) return b.device;
        return Cpu;
    }

    /// <summary>
    /// Moves <paramref name="module"/>'s parameters and buffers to <paramref name="device"/> unless
    /// they are there already (then nothing is copied); returns the module.
    /// </summary>
    public static T MoveTo<T>(T module, Device device) where T : nn.Module
    {
        if (!SameDevice(Of(module), device)) module.to(device);
        return module;
    }

    /// <summary>
    /// Where <paramref name="module"/> runs: <paramref name="device"/> when one is given (the
    /// module is moved there), else where it already is. What every library entry point that
    /// takes a <c>Device?</c> does with its network.
    /// </summary>
    public static Device Place(nn.Module module, Device? device) => Of(device is null ? module : MoveTo(module, device));

    /// <summary>
    /// <paramref name="x"/> on <paramref name="device"/>: <paramref name="x"/> itself when it is
    /// there already, else a copy (owned by the current dispose scope).
    /// </summary>
    public static Tensor On(Tensor x, Device device) => SameDevice(x.device, device) ? x : x.to(device);

    /// <summary>
    /// <paramref name="x"/> (an input batch made on the CPU) on <paramref name="device"/>: itself
    /// when it is there already; to CUDA from pinned memory (see
    /// <see cref="Data.ImageBatchLoader.PinMemory"/>) the copy is non-blocking, so the GPU copies
    /// while the host goes on; the copy is owned by the current dispose scope.
    /// </summary>
    public static Tensor Upload(Tensor x, Device device)
    {
        if (SameDevice(x.device, device)) return x;
        bool pinned = x.device_type == DeviceType.CPU && device.type == DeviceType.CUDA && x.is_pinned();
        return x.to(device, non_blocking: pinned);
    }

    /// <summary>
    /// cuDNN's benchmark mode (PyTorch's <c>torch.backends.cudnn.benchmark</c>): cuDNN times its
    /// convolution algorithms for each new input shape and keeps the fastest; worth it when the
    /// shapes are fixed (training and evaluation at one crop size), a cost when every image has
    /// its own. Process-wide; off by default, as in PyTorch; no effect on the CPU.
    /// </summary>
    public static bool CudnnBenchmark
    {
        get => Native.LibTorchContext.CudnnBenchmark;
        set => Native.LibTorchContext.CudnnBenchmark = value;
    }

    /// <summary>
    /// Turns cuDNN's benchmark mode on when <paramref name="device"/> is CUDA and the inputs have
    /// <paramref name="fixedSize"/>: what the commands do before a job.
    /// </summary>
    public static void TuneFor(Device device, bool fixedSize)
    {
        if (device.type == DeviceType.CUDA && fixedSize) CudnnBenchmark = true;
    }

    /// <summary>
    /// <paramref name="batch"/> (a CPU tensor) in pinned memory when <paramref name="pin"/>: a
    /// pinned copy, and <paramref name="batch"/> is disposed; else <paramref name="batch"/> itself.
    /// </summary>
    public static Tensor PinIf(Tensor batch, bool pin)
    {
        if (!pin) return batch;
        var pinned = batch.pin_memory();
        batch.Dispose();
        return pinned;
    }

    /// <summary>Whether input batches bound for <paramref name="device"/> should be made in pinned (page-locked) host memory: for CUDA.</summary>
    public static bool PinsMemory(Device? device) => device is not null && device.type == DeviceType.CUDA;

    /// <summary>Whether two devices are the same (cuda and cuda:0 count as the same).</summary>
    public static bool SameDevice(Device a, Device b) =>
        a.type == b.type && (a.type != DeviceType.CUDA || Math.Max(0, a.index) == Math.Max(0, b.index));

    /// <summary>Whether the text may name CUDA, so that LibTorch must be asked (only then).</summary>
    private static bool NeedsCuda(string text) => (text ?? "").Trim().ToLowerInvariant() is var t && (t == "auto" || t.StartsWith("cuda"));

    [GeneratedRegex(@"^cuda(?::(\d{1,4}))?$")]
    private static partial Regex CudaPattern();
}
