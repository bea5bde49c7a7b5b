namespace TextureBias.Tests;

/// <summary>
/// Tests whose outcome depends on draws from torch's global generator after a <c>manual_seed</c>
/// (e.g. a model's default initialisation followed by sampling): they run one at a time, apart from the
/// parallel tests, which could otherwise draw from the same generator in between.
/// </summary>
[Xunit.CollectionDefinition(nameof(GlobalRandomCollection), DisableParallelization = true)]
public sealed class GlobalRandomCollection
{
}
