namespace TextureBias.Tests;

/// <summary>
/// Tests that change LibTorch's default device (process-wide, every thread), run one at a time,
/// apart from the parallel ones, which make their tensors on the CPU by default.
/// </summary>
[Xunit.CollectionDefinition(nameof(DefaultDeviceCollection), DisableParallelization = true)]
public sealed class DefaultDeviceCollection
{
}
