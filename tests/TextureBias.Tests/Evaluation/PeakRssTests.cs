using System.Runtime.InteropServices;
using TextureBias.Evaluation;
using Xunit;

namespace TextureBias.Tests.Evaluation;

/// <summary><see cref="PeakRss"/>: VmHWM read, grown by touched native memory, reset by clear_refs.</summary>
[Collection(nameof(MemoryCollection))]
public class PeakRssTests
{
    private const long Bytes = 200L << 20;

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

        var block = Marshal.AllocHGlobal((nint)Bytes); // malloc: native memory, outside the managed heap
        try
        {
            for (long i = 0; i < Bytes; i += 4096) Marshal.WriteByte(block, (int)i, 1); // fault every page in
            double grown = PeakRss.Megabytes()!.Value;
            Assert.True(grown - before >= 180, $"the peak rose by {grown - before:F1} MB for 200 MB touched");
        }
        finally
        {
            Marshal.FreeHGlobal(block); // glibc gives a block this large back to the kernel at once
        }
        double after = PeakRss.Megabytes()!.Value;
        Assert.True(after - before >= 180, "without a reset the peak stays");
        if (!reset) return; // the kernel refuses clear_refs: nothing more to check
        Assert.True(PeakRss.Reset());
        double again = PeakRss.Megabytes()!.Value;
        Assert.True(again < after - 150, $"after the reset the peak is {again:F1} MB, was {after:F1} MB");
    }
}
