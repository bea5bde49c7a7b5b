namespace TextureBias.Tests;

/// <summary>Tests that measure the process's memory, run one at a time, apart from the parallel ones.</summary>
[Xunit.CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public sealed class MemoryCollection
{
}
