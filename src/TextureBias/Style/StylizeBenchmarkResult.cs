namespace TextureBias.Style;

/// <summary>Throughput of AdaIN stylisation.</summary>
/// <param name="Size">Content side in pixels.</param>
/// <param name="StyleSize">Style side in pixels.</param>
/// <param name="Threads">LibTorch intra-op threads.</param>
/// <param name="Batch">Content images per forward pass.</param>
/// <param name="NetworkImagesPerS">Images per second through encoder, AdaIN and decoder (tensors in memory; median of the timed runs).</param>
/// <param name="EndToEndImagesPerS">Images per second of a dataset job over a generated folder (decoding, resizing, networks, PNG encoding, writing; styles encoded once and cached, as in a real job).</param>
/// <param name="Images">Images in the generated folder.</param>
/// <param name="Device">Where the networks ran (cpu, cuda:0, ...).</param>
/// <param name="Amp">The precision of the forward passes: fp32, bf16 or fp16.</param>
public sealed record StylizeBenchmarkResult(int Size, int StyleSize, int Threads, int Batch, double NetworkImagesPerS, double EndToEndImagesPerS, int Images,
    string Device = "cpu", string Amp = "fp32");
