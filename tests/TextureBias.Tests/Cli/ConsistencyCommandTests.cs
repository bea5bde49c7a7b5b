using System.Text.Json;
using TextureBias.Observers;
using Xunit;

namespace TextureBias.Tests.Cli;

public class ConsistencyCommandTests : TempDirTest
{
    // One observer's raw-data file: 2 conditions x 10 images, correct where pattern(i) holds.
    private string Observer(string subject, Func<int, bool> correct, string file)
    {
        var trials = new List<RawTrial>();
        foreach (var c in new[] { "c1", "c2" })
            for (int i = 0; i < 10; i++)
                trials.Add(new RawTrial(subject, "1", c, $"{i:0000}_x_{subject}_{c}_cat_10_n02123394_{c}{i}.png", "cat", correct(c == "c1" ? i : i + 10) ? "cat" : "dog"));
        var path = Path.Combine(_dir, file);
        RawData.Write(path, trials.AsEnumerable().Reverse().ToList());
        return path;
    }

    [Fact]
    public void KappaOfRawDataFilesAsJsonAndHeatmap()
    {
        var a = Observer("a", i => i % 2 == 0, "a.csv");
        var same = Observer("b", i => i % 2 == 0, "b.csv");
        var opposite = Observer("c", i => i % 2 == 1, "c.csv");
        var png = Path.Combine(_dir, "matrix.png");
        var r = CliRunner.Run("consistency", "--raw-data", a, same, opposite, "--json", "--out", png);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(["a", "b", "c"], doc.RootElement.GetProperty("observers").EnumerateArray().Select(e => e.GetString()));
        var kappa = doc.RootElement.GetProperty("kappa");
        Assert.Equal(1.0, kappa[0][1].GetDouble(), 12);
        Assert.Equal(-1.0, kappa[0][2].GetDouble(), 12);
        var pair = doc.RootElement.GetProperty("pairs")[0];
        Assert.Equal(20, pair.GetProperty("all").GetProperty("trials").GetInt32());
        Assert.Equal(2, pair.GetProperty("per_condition").GetArrayLength());
        Assert.True(new FileInfo(png).Length > 1000);

        var table = CliRunner.Run("consistency", "--raw-data", a, opposite);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("-1.000", table.Stdout);
        Assert.Contains("c2", table.Stdout); // one pair: its conditions are listed
    }

    [Fact]
    public void AModelFileAgainstTheBundledHumans()
    {
        // A "model" that answers exactly like subject-01 of the contrast experiment: kappa 1 with it.
        var human = HumanObservers.Load().Of("contrast").Where(t => t.Subject == "subject-01").Select(t => t with { Subject = "model" }).ToList();
        var path = Path.Combine(_dir, "model.csv");
        RawData.Write(path, human);
        var r = CliRunner.Run("consistency", "--raw-data", path, "--humans", "contrast", "--json");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(5, doc.RootElement.GetProperty("observers").GetArrayLength());
        Assert.Equal(1.0, doc.RootElement.GetProperty("kappa")[0][1].GetDouble(), 12);
        Assert.InRange(doc.RootElement.GetProperty("kappa")[0][2].GetDouble(), 0.1, 0.9);
    }

    [Fact]
    public void BadInputIsOneLineWithExitCodeTwo()
    {
        var a = Observer("a", i => i % 2 == 0, "a.csv");
        var one = CliRunner.Run("consistency", "--raw-data", a);
        Assert.Equal(2, one.ExitCode);
        Assert.Contains("give at least two observers", one.Stderr);

        var bad = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(bad, RawData.Header + "\na,1,1,NaN,cat,cat,c1,x.png\na,1,2,NaN,cat,cat\n");
        var r = CliRunner.Run("consistency", "--raw-data", a, bad);
        Assert.Equal(2, r.ExitCode);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal($"texturebias: {bad}: line 3 has 6 fields, not 8", r.Stderr.Trim());

        var fewer = Path.Combine(_dir, "fewer.csv");
        RawData.Write(fewer, RawData.Read(a).Skip(1).Select(t => t with { Subject = "d" }).ToList());
        var unmatched = CliRunner.Run("consistency", "--raw-data", a, fewer);
        Assert.Equal(2, unmatched.ExitCode);
        Assert.Contains("did not see the same images", unmatched.Stderr);
        Assert.Equal(0, CliRunner.Run("consistency", "--raw-data", a, fewer, "--allow-unmatched").ExitCode);

        var unknown = CliRunner.Run("consistency", "--humans", "noise");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no human data for experiment 'noise'", unknown.Stderr);
    }

    [Fact]
    public void RobustnessOfRawDataPerObserverAndPooled()
    {
        var a = Observer("a", i => i < 15, "a.csv");   // c1: 10/10, c2: 5/10
        var b = Observer("b", i => i < 5, "b.csv");    // c1: 5/10, c2: 0/10
        var png = Path.Combine(_dir, "acc.png");
        var r = CliRunner.Run("robustness", "--raw-data", a, b, "--json", "--plot", png);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Equal(["a c1 10/10", "a c2 5/10", "b c1 5/10", "b c2 0/10", "pooled c1 15/20", "pooled c2 5/20"],
            doc.RootElement.EnumerateArray().Select(e => $"{e.GetProperty("observer").GetString()} {e.GetProperty("condition").GetString()} {e.GetProperty("correct").GetInt32()}/{e.GetProperty("trials").GetInt32()}"));
        Assert.True(new FileInfo(png).Length > 1000);

        var humans = CliRunner.Run("robustness", "--humans", "low-pass");
        Assert.Equal(0, humans.ExitCode);
        Assert.Contains("pooled", humans.Stdout);

        var both = CliRunner.Run("robustness", "--raw-data", a, "--arch", "resnet18");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("leave out --arch, --weights, --onnx, --data, --distortion and --all", both.Stderr);

        var neither = CliRunner.Run("robustness", "--arch", "resnet18");
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("give --data DIR and --distortion KIND[,KIND] or --all", neither.Stderr);
    }
}
