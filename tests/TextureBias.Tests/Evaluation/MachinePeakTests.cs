using System.Text.Json;
using TextureBias.Evaluation;
using TextureBias.Models;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Evaluation;

/// <summary>The peak: its measurement on tiny convolutions, the cache (round trip, key mismatch, damage) and --peak.</summary>
public class MachinePeakTests : TempDirTest
{
    private string CacheFile => Path.Combine(_dir, "cache", MachinePeak.FileName);

    private static PeakBenchmarkResult Fake(MachinePeakKey key, double gflops) =>
        new([new PeakBenchmarkEntry("1x1x1x1:1", 9, 1, gflops)], key.Threads, key.Device, key.Cpu, key.Libtorch, 1, true, key.OnednnIsa) { Gflops = gflops };

    [Fact]
    public void Tiny_convolutions_are_timed_and_the_best_is_the_peak()
    {
        var shapes = new[] { PeakConvolution.Parse("1x4x5x6:3"), PeakConvolution.Parse("2x8x8x8:8") };
        var result = PeakBenchmark.Run(shapes, runs: 2, warmup: 1);
        Assert.Equal(["1x4x5x6:3", "2x8x8x8:8"], result.Shapes.Select(s => s.Shape));
        Assert.Equal(1L * 4 * 5 * 6 * 3 * 9, result.Shapes[0].Macs);
        Assert.Equal(2L * 8 * 8 * 8 * 8 * 9, result.Shapes[1].Macs);
        foreach (var s in result.Shapes) Assert.Equal(2 * s.Macs / s.Seconds / 1e9, s.Gflops, 0.0006); // rounded to 3 decimals
        Assert.Equal(result.Shapes.Max(s => s.Gflops), result.Gflops);
        Assert.Equal(get_num_threads(), result.Threads);
        Assert.Equal(MachinePeak.KeyFor(Devices.Cpu), new MachinePeakKey(result.Cpu, result.Threads, result.Device, result.Libtorch, result.OnednnIsa));
        Assert.False(string.IsNullOrWhiteSpace(result.Cpu));
    }

    [Fact]
    public void Channels_last_keeps_the_values_with_nhwc_strides()
    {
        using var x = rand(2, 3, 4, 5);
        using var cl = PeakBenchmark.ChannelsLast(x);
        Assert.Equal(x.shape, cl.shape);
        Assert.Equal(new long[] { 60, 1, 15, 3 }, cl.stride());
        using var same = x.eq(cl).all();
        Assert.True(same.item<bool>());
    }

    [Theory]
    [InlineData("8x256x56x56")]
    [InlineData("8x256x56x56:")]
    [InlineData("8x0x56x56:256")]
    [InlineData("axbxcxd:e")]
    public void A_malformed_shape_is_a_one_line_error(string text)
    {
        var e = Assert.Throws<TextureBiasException>(() => PeakConvolution.Parse(text));
        Assert.Contains(text, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_measured_peak_is_cached_and_read_back_for_the_same_key()
    {
        int measured = 0;
        var key = MachinePeak.KeyFor(Devices.Cpu);
        var first = MachinePeak.Get(Devices.Cpu, null, CacheFile, () => { measured++; return Fake(key, 123.5); });
        Assert.Equal(new MachinePeakLookup(123.5, "measured"), first);
        Assert.True(File.Exists(CacheFile));
        var second = MachinePeak.Get(Devices.Cpu, null, CacheFile, () => { measured++; return Fake(key, 1); });
        Assert.Equal(new MachinePeakLookup(123.5, "cached"), second);
        Assert.Equal(1, measured);
        var entry = Assert.Single(MachinePeak.Entries(CacheFile));
        Assert.Equal(key, entry.Key);
        Assert.True(entry.Quick);
        Assert.Equal(new MachinePeakLookup(123.5, "cached"), MachinePeak.Known(Devices.Cpu, null, CacheFile));
        // Atomic write: no temporary file left beside it.
        Assert.Equal([MachinePeak.FileName], Directory.GetFiles(Path.GetDirectoryName(CacheFile)!).Select(Path.GetFileName));
    }

    [Fact]
    public void A_peak_cached_for_another_key_is_not_used_and_a_new_one_is_measured()
    {
        var key = MachinePeak.KeyFor(Devices.Cpu);
        var others = new[]
        {
            key with { Cpu = key.Cpu + " (another)" }, key with { Threads = key.Threads + 1 },
            key with { Device = "cuda:0" }, key with { Libtorch = "0.0.1" }, key with { OnednnIsa = key.OnednnIsa + "_other" },
        };
        foreach (var other in others) MachinePeak.Store(Fake(other, 999), CacheFile);
        Assert.Equal(5, MachinePeak.Entries(CacheFile).Count);
        Assert.Null(MachinePeak.Known(Devices.Cpu, null, CacheFile));
        int measured = 0;
        var lookup = MachinePeak.Get(Devices.Cpu, null, CacheFile, () => { measured++; return Fake(key, 42); });
        Assert.Equal(new MachinePeakLookup(42, "measured"), lookup);
        Assert.Equal(1, measured);
        var entries = MachinePeak.Entries(CacheFile);
        Assert.Equal(6, entries.Count); // the other machines' peaks are kept
        Assert.Equal(42, Assert.Single(entries, e => e.Key == key).Gflops);
    }

    [Fact]
    public void A_full_measurement_replaces_the_short_one_of_its_key()
    {
        var key = MachinePeak.KeyFor(Devices.Cpu);
        MachinePeak.Store(Fake(key, 100), CacheFile);
        Assert.Equal(CacheFile, MachinePeak.Store(Fake(key, 150) with { Quick = false }, CacheFile));
        var entry = Assert.Single(MachinePeak.Entries(CacheFile));
        Assert.Equal(150, entry.Gflops);
        Assert.False(entry.Quick);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"key\": 1}")]
    [InlineData("[{\"key\": null, \"gflops\": 5}]")]
    [InlineData("")]
    public void A_damaged_cache_counts_as_empty_and_is_rewritten(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CacheFile)!);
        File.WriteAllText(CacheFile, content);
        int measured = 0;
        var key = MachinePeak.KeyFor(Devices.Cpu);
        Assert.Equal("measured", MachinePeak.Get(Devices.Cpu, null, CacheFile, () => { measured++; return Fake(key, 7); }).Source);
        Assert.Equal(1, measured);
        using var doc = JsonDocument.Parse(File.ReadAllText(CacheFile));
        Assert.Equal(7, doc.RootElement[0].GetProperty("gflops").GetDouble());
    }

    [Fact]
    public void A_given_peak_is_used_without_measuring_and_must_be_positive()
    {
        var lookup = MachinePeak.Get(Devices.Cpu, 250, CacheFile, () => throw new InvalidOperationException("measured"));
        Assert.Equal(new MachinePeakLookup(250, "given"), lookup);
        Assert.False(File.Exists(CacheFile));
        foreach (var bad in new[] { 0.0, -3, double.NaN, double.PositiveInfinity })
            Assert.Throws<TextureBiasException>(() => MachinePeak.Get(Devices.Cpu, bad, CacheFile, () => throw new InvalidOperationException()));
    }

    [Fact]
    public void A_line_takes_its_fraction_of_the_peak_and_its_memory()
    {
        var line = BenchmarkRunner.Run(() => new ForwardBenchmarkResult("x", 1, 8, 1, 10, 1, 1) { Gflops = 20 }, () => new MachinePeakLookup(80, "given"));
        Assert.Equal(0.25, line.FractionOfPeak);
        Assert.Equal(80, line.PeakGflops);
        Assert.True(line.PeakRssMb > 0);
        using var doc = JsonDocument.Parse(line.ToJson());
        var o = doc.RootElement;
        Assert.Equal("forward", o.GetProperty("bench").GetString());
        Assert.Equal(20, o.GetProperty("gflops").GetDouble());
        Assert.Equal(0.25, o.GetProperty("fraction_of_peak").GetDouble());
        Assert.Equal(80, o.GetProperty("peak_gflops").GetDouble());
        Assert.Equal("given", o.GetProperty("peak_source").GetString());
        Assert.Equal(10, o.GetProperty("images_per_s").GetDouble()); // the old fields keep their names
        var none = BenchmarkRunner.Run(() => new ForwardBenchmarkResult("x", 1, 8, 1, 10, 1, 1), () => null);
        Assert.Null(none.FractionOfPeak);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(none.ToJson()).RootElement.GetProperty("fraction_of_peak").ValueKind);
    }
}
