using System.Runtime.InteropServices;
using TextureBias.Evaluation;
using Xunit;

namespace TextureBias.Tests.Evaluation;

/// <summary><see cref="PeakRss"/>: VmHWM read, grown by touched native memory, reset by clear_refs.</summary>
[Collection(nameof(MemoryCollection))]
public class PeakRssTests
{
    private const long Bytes = 200L << 20;

    [DllImport("libc", EntryPoint = "mmap")]
    private static extern nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "munmap")]
    private static extern int Munmap(nint address, nuint length);

    [Fact]
    public void The_peak_grows_with_touched_native_memory_and_a_reset_brings_it_back()
    {
        Assert.True(OperatingSystem.IsLinux(), "these tests run on Linux");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        bool reset = PeakRss.Reset();
        double before = PeakRss.Megabytes() ?? 0;
        Assert.True(before > 0, $"VmHWM {before} MB");
        Assert.True(PeakRss.CurrentMegabytes() is > 0);

        // Fresh pages from the kernel (not malloc: with the library's malloc tuning a block this large may come from freed, still resident heap).
        var block = Mmap(0, (nuint)Bytes, 3 /* PROT_READ | PROT_WRITE */, 0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */, -1, 0);
        Assert.NotEqual((nint)(-1), block);
        try
        {
            for (long i = 0; i < Bytes; i += 4096) Marshal.WriteByte(block, (int)i, 1); // fault every page in
            double grown = PeakRss.Megabytes()!.Value;
            Assert.True(grown - before >= 180, $"the peak rose by {grown - before:F1} MB for 200 MB touched");
        }
        finally
        {
            Assert.Equal(0, Munmap(block, (nuint)Bytes));
        }
        double after = PeakRss.Megabytes()!.Value;
        Assert.True(after - before >= 180, "without a reset the peak stays");
        if (!reset) return; // the kernel refuses clear_refs: nothing more to check
        Assert.True(PeakRss.Reset());
        double again = PeakRss.Megabytes()!.Value;
        Assert.True(again < after - 150, $"after the reset the peak is {again:F1} MB, was {after:F1} MB");
    }
}
