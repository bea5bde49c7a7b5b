using TextureBias.Native;
using TextureBias.Tests.Cli;
using Xunit;

namespace TextureBias.Tests.Native;

public class NnpackWarningGuardTests
{
    [Fact]
    public void LibTorchsNnpackWarningIsSilencedExactlyWhereTheCachesAreHidden()
    {
        TorchRuntime.EnsureInitialized();
        bool expected = OneDnnIsaGuard.CacheHierarchyHidden() && Environment.GetEnvironmentVariable("TORCH_CPP_LOG_LEVEL") is null;
        Assert.Equal(expected, NnpackWarningGuard.Applied);
        // A dense BagNet heatmap convolves a large batch, where LibTorch asks for NNPACK: no warning reaches the user.
        var r = CliRunner.Run("bench", "heatmap", "--arch", "bagnet9", "--size", "48");
        Assert.Equal(0, r.ExitCode);
        if (expected) Assert.DoesNotContain("NNPACK", r.Stderr);
    }
}
