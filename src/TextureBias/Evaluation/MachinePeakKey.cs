namespace TextureBias.Evaluation;

/// <summary>What a cached peak is valid for: the same CPU model, thread count, device, LibTorch version and oneDNN instruction-set cap.</summary>
/// <param name="Cpu">The CPU's model name (/proc/cpuinfo).</param>
/// <param name="Threads">LibTorch's intra-op threads.</param>
/// <param name="Device">The device (cpu, cuda:0).</param>
/// <param name="Libtorch">LibTorch's version.</param>
/// <param name="OnednnIsa">oneDNN's instruction-set cap (<see cref="MachinePeak.OneDnnIsa"/>).</param>
public sealed record MachinePeakKey(string Cpu, int Threads, string Device, string Libtorch, string OnednnIsa);
