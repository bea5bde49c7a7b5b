using System.Text.Json;
using TextureBias.Evaluation;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary><c>bench peak</c>, its cache in <c>$TEXTUREBIAS_CACHE</c>, and the other lines reading it.</summary>
public class BenchPeakCommandTests : TempDirTest
{
    private Dictionary<string, string> Env => new() { ["TEXTUREBIAS_CACHE"] = Path.Combine(_dir, "cache"), ["TEXTUREBIAS_PEAK"] = "" };

    private string CacheFile => Path.Combine(_dir, "cache", MachinePeak.FileName);

    [Fact]
    public void Peak_of_tiny_shapes_prints_one_line_and_does_not_cache_it()
    {
        var r = CliRunner.RunWith(Env, "bench", "peak", "--shape", "1x8x8x8:8", "--shape", "2x4x6x6:4", "--runs", "1", "--warmup", "0");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var line = Assert.Single(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var doc = JsonDocument.Parse(line);
        var o = doc.RootElement;
        Assert.Equal("peak", o.GetProperty("bench").GetString());
        var shapes = o.GetProperty("shapes").EnumerateArray().ToList();
        Assert.Equal(["1x8x8x8:8", "2x4x6x6:4"], shapes.Select(s => s.GetProperty("shape").GetString()));
        Assert.Equal(8L * 8 * 8 * 8 * 9, shapes[0].GetProperty("macs").GetInt64());
        Assert.Equal(2L * 6 * 6 * 4 * 4 * 9, shapes[1].GetProperty("macs").GetInt64());
        double best = shapes.Max(s => s.GetProperty("gflops").GetDouble());
        Assert.True(best > 0);
        Assert.Equal(best, o.GetProperty("gflops").GetDouble());
        Assert.Equal(best, o.GetProperty("peak_gflops").GetDouble());
        Assert.Equal(1, o.GetProperty("fraction_of_peak").GetDouble());
        Assert.True(o.GetProperty("threads").GetInt32() >= 1);
        Assert.Equal("cpu", o.GetProperty("device").GetString());
        Assert.False(string.IsNullOrEmpty(o.GetProperty("cpu").GetString()));
        Assert.True(o.GetProperty("peak_rss_mb").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, o.GetProperty("cache").ValueKind);
        Assert.False(File.Exists(CacheFile));
    }

    [Fact]
    public void The_standard_peak_is_cached_where_TEXTUREBIAS_CACHE_says_and_other_lines_use_it()
    {
        var peak = CliRunner.RunWith(Env, "bench", "peak", "--runs", "1", "--warmup", "0");
        Assert.True(peak.ExitCode == 0, peak.Stderr);
        using var peakDoc = JsonDocument.Parse(peak.Stdout.Trim());
        double gflops = peakDoc.RootElement.GetProperty("gflops").GetDouble();
        Assert.Equal(3, peakDoc.RootElement.GetProperty("shapes").GetArrayLength());
        Assert.Equal(CacheFile, peakDoc.RootElement.GetProperty("cache").GetString());
        var entry = Assert.Single(MachinePeak.Entries(CacheFile));
        Assert.Equal(gflops, entry.Gflops);
        Assert.False(entry.Quick);

        var forward = CliRunner.RunWith(Env, "bench", "forward", "--arch", "resnet18", "--batch", "1", "--size", "32", "--runs", "1");
        Assert.True(forward.ExitCode == 0, forward.Stderr);
        using var doc = JsonDocument.Parse(forward.Stdout.Trim());
        var o = doc.RootElement;
        Assert.Equal("cached", o.GetProperty("peak_source").GetString());
        Assert.Equal(gflops, o.GetProperty("peak_gflops").GetDouble());
        double own = o.GetProperty("gflops").GetDouble();
        Assert.Equal(2 * o.GetProperty("gmacs_per_image").GetDouble() * o.GetProperty("images_per_s").GetDouble(), own, 0.006);
        Assert.Equal(own / gflops, o.GetProperty("fraction_of_peak").GetDouble(), tolerance: 1e-3); // both rounded in the line
        Assert.True(o.GetProperty("peak_rss_mb").GetDouble() > 0);

        var given = CliRunner.RunWith(Env, "bench", "forward", "--arch", "resnet18", "--batch", "1", "--size", "32", "--runs", "1", "--peak", "50");
        Assert.True(given.ExitCode == 0, given.Stderr);
        using var givenDoc = JsonDocument.Parse(given.Stdout.Trim());
        Assert.Equal("given", givenDoc.RootElement.GetProperty("peak_source").GetString());
        Assert.Equal(givenDoc.RootElement.GetProperty("gflops").GetDouble() / 50, givenDoc.RootElement.GetProperty("fraction_of_peak").GetDouble(), tolerance: 1e-3);

        // TEXTUREBIAS_PEAK gives it too (--peak wins).
        var env = new Dictionary<string, string>(Env) { ["TEXTUREBIAS_PEAK"] = "40" };
        var fromEnv = CliRunner.RunWith(env, "bench", "distort", "--size", "16", "--images", "1", "--distortion", "colour");
        Assert.True(fromEnv.ExitCode == 0, fromEnv.Stderr);
        using var envDoc = JsonDocument.Parse(fromEnv.Stdout.Trim());
        Assert.Equal(40, envDoc.RootElement.GetProperty("peak_gflops").GetDouble());
        Assert.Equal("given", envDoc.RootElement.GetProperty("peak_source").GetString());
        var both = CliRunner.RunWith(env, "bench", "distort", "--size", "16", "--images", "1", "--distortion", "colour", "--peak", "60");
        using var bothDoc = JsonDocument.Parse(both.Stdout.Trim());
        Assert.Equal(60, bothDoc.RootElement.GetProperty("peak_gflops").GetDouble());
        Assert.Single(MachinePeak.Entries(CacheFile)); // nothing measured or cached for them
    }

    [Fact]
    public void Bad_peak_options_are_one_line_errors()
    {
        CliRunner.AssertOneLineError(CliRunner.RunWith(Env, "bench", "peak", "--shape", "8x256x56"),
            "--shape 8x256x56: expected NxCxHxW:K, as 8x256x56x56:256");
        CliRunner.AssertOneLineError(CliRunner.RunWith(Env, "bench", "forward", "--arch", "resnet18", "--peak", "0"),
            "--peak 0: the peak must be a positive number of GFLOP/s");
        CliRunner.AssertOneLineError(CliRunner.RunWith(new Dictionary<string, string>(Env) { ["TEXTUREBIAS_PEAK"] = "fast" }, "bench", "distort", "--size", "16"),
            "TEXTUREBIAS_PEAK=fast: the peak must be a positive number of GFLOP/s");
        Assert.False(File.Exists(CacheFile));
    }
}
