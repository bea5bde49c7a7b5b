using System.Runtime.CompilerServices;

namespace TextureBias.Tests;

/// <summary>Applies the library's process settings before any test calls TorchSharp directly.</summary>
internal static class TestRuntime
{
#pragma warning disable CA2255 // the point: before the first tensor of any test
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => TorchRuntime.EnsureInitialized();
}
