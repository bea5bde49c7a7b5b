using TextureBias.Native;
using Xunit;

namespace TextureBias.Tests.Native;

public class HugePageAllocationsTests
{
    [Theory]
    [InlineData("always [madvise] never\n", null, true)]
    [InlineData("[always] madvise never\n", null, true)]
    [InlineData("always madvise [never]\n", null, false)]
    [InlineData(null, null, false)]
    [InlineData("always [madvise] never\n", "0", false)]
    [InlineData("always [madvise] never\n", "1", false)] // the user's own 1 is theirs: nothing to set
    public void Huge_pages_are_asked_for_where_the_kernel_offers_them_and_the_user_did_not_decide(string? kernel, string? user, bool expected)
    {
        var (enable, reason) = HugePageAllocations.Decide(kernel, user);
        Assert.Equal(expected, enable);
        if (user is not null) Assert.Equal($"THP_MEM_ALLOC_ENABLE={user} set by the user", reason);
        else if (kernel is null) Assert.Equal("this kernel has no transparent huge pages", reason);
        else if (!expected) Assert.Equal("transparent huge pages are off (always madvise [never])", reason);
        else Assert.StartsWith("THP_MEM_ALLOC_ENABLE=1: ", reason);
    }

    [Fact]
    public void At_start_up_the_library_decided_for_this_machine_and_LibTorch_sees_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        TorchRuntime.EnsureInitialized();
        string? kernel = File.Exists(HugePageAllocations.KernelSetting) ? File.ReadAllText(HugePageAllocations.KernelSetting) : null;
        // .NET's own view of the environment is the one the process started with: the user's.
        var (enable, reason) = HugePageAllocations.Decide(kernel, Environment.GetEnvironmentVariable(HugePageAllocations.Variable));
        Assert.Equal(enable, HugePageAllocations.Enabled);
        Assert.Equal(reason, HugePageAllocations.Reason);
        if (enable) Assert.Equal("1", NativeEnvironment.Get(HugePageAllocations.Variable)); // the native environment LibTorch reads
    }
}
