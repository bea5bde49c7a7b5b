using Xunit;
using TextureBias.Models;
using TextureBias.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Tests.Native;

public class OneDnnIsaGuardTests
{
    [Fact]
    public void TheCapIsSetExactlyWhereCpuidHidesTheCaches()
    {
        TorchRuntime.EnsureInitialized();
        string? userCap = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
        if (userCap is not null)
        {
            Assert.Null(OneDnnIsaGuard.AppliedCap);
            Assert.Contains("set by the user", OneDnnIsaGuard.Reason);
            return;
        }
        if (OneDnnIsaGuard.CacheHierarchyHidden() && OneDnnIsaGuard.CachesDescribed)
        {
            // oneDNN was told the caches: its kernels run uncapped.
            Assert.Null(OneDnnIsaGuard.AppliedCap);
            Assert.Null(NativeEnvironment.Get("ONEDNN_MAX_CPU_ISA"));
            Assert.NotNull(OneDnnCacheDescription.Written);
            Assert.Contains("was given L1", OneDnnIsaGuard.Reason);
        }
        else if (OneDnnIsaGuard.CacheHierarchyHidden())
        {
            Assert.Equal("AVX", OneDnnIsaGuard.AppliedCap);
            Assert.Equal("AVX", NativeEnvironment.Get("ONEDNN_MAX_CPU_ISA")); // what oneDNN itself reads
        }
        else
        {
            Assert.Null(OneDnnIsaGuard.AppliedCap);
            Assert.Null(NativeEnvironment.Get("ONEDNN_MAX_CPU_ISA"));
        }
    }

    [Fact]
    public void TheCacheDescriptionFindsOneDnnsCpuObjectInLibTorch()
    {
        string library = Path.Combine(AppContext.BaseDirectory, "libtorch_cpu.so");
        Assert.True(File.Exists(library), library);
        // dnnl::impl::cpu::x64::cpu() is a local symbol of libtorch_cpu.so: found through its symbol table.
        long? offset = OneDnnCacheDescription.FunctionOffset(library, "_ZN4dnnl4impl3cpu3x643cpuEv");
        Assert.NotNull(offset);
        Assert.True(offset > 0);
        Assert.Null(OneDnnCacheDescription.FunctionOffset(library, "_ZN4dnnl4impl3cpu3x643cpuEv_no_such_symbol"));
        if (OneDnnIsaGuard.CachesDescribed)
            Assert.Equal(OneDnnCacheDescription.LegacyAmdCacheSizes(), OneDnnCacheDescription.Written);
    }

    [Fact]
    public void BottleneckOneByOneConvolutionsTrainAtSmallSizes()
    {
        // The shapes that crashed oneDNN's brgemm 1x1 kernel (ic 1024 -> oc 2048, stride 2,
        // 2x2 -> 1x1; ic 256 -> oc 1024 on 4x4, channels last) forward and backward.
        using var scope = NewDisposeScope();
        using var conv = nn.Conv2d(1024, 2048, 1, stride: 2, bias: false);
        var x = randn(2, 1024, 2, 2, requires_grad: true);
        var y = conv.forward(x);
        y.sum().backward();
        Assert.Equal(new long[] { 2, 2048, 1, 1 }, y.shape);
        Assert.NotNull(x.grad);

        using var conv2 = nn.Conv2d(256, 1024, 1, bias: false);
        var nhwc = randn(16, 4, 4, 256).permute(0, 3, 1, 2); // channels-last strides
        using (no_grad())
        {
            var z = conv2.forward(nhwc);
            var reference = einsum("oi,nihw->nohw", conv2.weight!.view(1024, 256), nhwc);
            Assert.True((z - reference).abs().max().item<float>() < 1e-3f);
        }
    }
}
