using System.Text.Json;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary><c>bench all --quick</c>: every benchmark's line with the common fields, then the table.</summary>
public class BenchAllCommandTests : TempDirTest
{
    private static readonly string[] Benches = ["peak", "forward", "heatmap", "stylize", "train", "texturize", "interactions", "attribute", "mask", "distort"];

    [Fact]
    public void Quick_suite_prints_a_line_per_benchmark_with_gflops_peak_and_memory_then_a_table()
    {
        var json = Path.Combine(_dir, "out", "bench.jsonl");
        var r = CliRunner.RunWith(new Dictionary<string, string> { ["TEXTUREBIAS_CACHE"] = Path.Combine(_dir, "cache"), ["TEXTUREBIAS_PEAK"] = "" },
            "bench", "all", "--quick", "--json", json);
        Assert.True(r.ExitCode == 0, r.Stderr);
        CliRunner.AssertNoStackTrace(r);
        var lines = r.Stdout.Split('\n').Where(l => l.StartsWith('{')).ToList();
        var docs = lines.Select(l => JsonDocument.Parse(l)).ToList();
        Assert.Equal(Benches.Distinct(), docs.Select(d => d.RootElement.GetProperty("bench").GetString()).Distinct());
        Assert.Equal(2, docs.Count(d => d.RootElement.GetProperty("bench").GetString() == "forward"));

        double peak = docs[0].RootElement.GetProperty("gflops").GetDouble();
        Assert.True(peak > 0);
        foreach (var doc in docs)
        {
            var o = doc.RootElement;
            string bench = o.GetProperty("bench").GetString()!;
            Assert.Equal(peak, o.GetProperty("peak_gflops").GetDouble());
            Assert.True(o.GetProperty("peak_rss_mb").GetDouble() > 0, bench);
            if (bench == "distort")
            {
                Assert.Equal(JsonValueKind.Null, o.GetProperty("gflops").ValueKind);
                Assert.Equal(JsonValueKind.Null, o.GetProperty("fraction_of_peak").ValueKind);
                continue;
            }
            double gflops = o.GetProperty("gflops").GetDouble();
            Assert.True(gflops > 0, bench);
            Assert.Equal(gflops / peak, o.GetProperty("fraction_of_peak").GetDouble(), tolerance: 1e-3); // both are rounded in the line
        }
        var stylize = docs.Single(d => d.RootElement.GetProperty("bench").GetString() == "stylize").RootElement;
        Assert.Equal(stylize.GetProperty("network_gflops").GetDouble() / peak, stylize.GetProperty("network_fraction_of_peak").GetDouble(), tolerance: 1e-3);
        Assert.Equal(stylize.GetProperty("end_to_end_gflops").GetDouble() / peak, stylize.GetProperty("end_to_end_fraction_of_peak").GetDouble(), tolerance: 1e-3);
        Assert.Equal(stylize.GetProperty("end_to_end_gflops").GetDouble() / stylize.GetProperty("network_gflops").GetDouble(),
            stylize.GetProperty("end_to_end_over_network").GetDouble(), tolerance: 1e-3);
        Assert.True(stylize.GetProperty("network_images_per_s").GetDouble() > 0); // the old fields stay

        // The table, after the lines.
        var after = r.Stdout[(r.Stdout.LastIndexOf(lines[^1], StringComparison.Ordinal) + lines[^1].Length)..];
        foreach (var text in new[] { "benchmark", "GFLOP/s", "% of peak", "peak RSS MB", "forward bagnet33", "forward resnet50", "heatmap bagnet33", "stylize", "distort" })
            Assert.Contains(text, after);

        Assert.Equal(lines, File.ReadAllLines(json));
        // --quick measures its own small peak and caches nothing.
        Assert.False(File.Exists(Path.Combine(_dir, "cache", "peak.json")));
    }
}
