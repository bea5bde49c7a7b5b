using System.CommandLine;
using System.Security.Cryptography;
using TextureBias.Cli;
using TextureBias.Cli.Commands;
using TextureBias.Tests.Models.Zoo;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>
/// Wrong paths are one line and exit code 2 before any work: no weights are fetched or read, no
/// model is built, nothing is written.
/// </summary>
public sealed class OutputPathTests : TempDirTest, IDisposable
{
    private readonly LoopbackServer server = new();
    private readonly Dictionary<string, string> env;
    private readonly string image = Fixture.Images("rgb8.png");

    public OutputPathTests()
    {
        // A registered network the loopback server would serve: any request means the check came too late.
        var bytes = RandomNumberGenerator.GetBytes(4096);
        string file = $"big-{Convert.ToHexStringLower(SHA256.HashData(bytes))[..8]}.pth";
        server.Serve("/" + file, bytes);
        string registry = Path.Combine(_dir, "registry.json");
        File.WriteAllText(registry, $$"""
            {"weights": [{"name": "big_bagnet", "kind": "classifier", "architecture": "bagnet9", "file": "{{file}}", "maxSize": 1000000,
              "urls": ["{{server.Url("/" + file)}}"], "trainedOn": "nothing", "licence": "none", "source": "a test"},
              {"name": "gone_bagnet", "kind": "classifier", "architecture": "bagnet9", "file": "gone-0123abcd.pth", "maxSize": 1000000,
              "urls": ["{{server.Url("/gone-0123abcd.pth")}}"], "trainedOn": "nothing", "licence": "none", "source": "a test"}]}
            """);
        env = ZooEnvironment.For(_dir, registry, Path.Combine(_dir, "cache"));
    }

    void IDisposable.Dispose()
    {
        server.Dispose();
        Dispose();
    }

    private static void AssertOneLine(CliRunner.Result r, string expected)
    {
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(expected, r.Stderr.Trim());
        Assert.Empty(r.Stdout);
    }

    [Fact]
    public void AFolderForLogitsOutFailsBeforeTheWeightsAreFetched()
    {
        var r = CliRunner.RunWith(env, "classify", "--weights", "big_bagnet", "--logits-out", _dir, image);
        AssertOneLine(r, $"texturebias: --logits-out {_dir}: a folder, not a file (name a file in it)");
        Assert.Empty(server.Requests);
        Assert.False(Directory.Exists(Path.Combine(_dir, "cache")));
    }

    [Fact]
    public void AFileForTrainOutFailsBeforeTraining()
    {
        string data = Path.Combine(_dir, "data", "a");
        Directory.CreateDirectory(data);
        File.Copy(image, Path.Combine(data, "x.png"));
        string file = Path.Combine(_dir, "run");
        File.WriteAllText(file, "not a folder");
        var r = CliRunner.RunWith(env, "train", "--arch", "bagnet9", "--init", "big_bagnet", "--train", Path.Combine(_dir, "data"), "--out", file);
        AssertOneLine(r, $"texturebias: --out {file}: a file, not a folder");
        Assert.Equal("not a folder", File.ReadAllText(file));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void WrongPathsOfOtherCommandsAreOneLine()
    {
        string file = Path.Combine(_dir, "plain.txt");
        File.WriteAllText(file, "x");
        AssertOneLine(CliRunner.RunWith(env, "heatmap", "--weights", "big_bagnet", "--image", image, "--out", Path.Combine(file, "h.png")),
            $"texturebias: --out {Path.Combine(file, "h.png")}: {file} is a file, not a folder");
        AssertOneLine(CliRunner.RunWith(env, "heatmap", "--weights", "big_bagnet", "--image", image, "--out", Path.Combine(_dir, "h.png"), "--npy", _dir),
            $"texturebias: --npy {_dir}: a folder, not a file (name a file in it)");
        AssertOneLine(CliRunner.RunWith(env, "evaluate", "--weights", "big_bagnet", "--data", file),
            $"texturebias: --data {file}: a file, not a folder");
        AssertOneLine(CliRunner.RunWith(env, "shape-bias", "--weights", "big_bagnet", "--stimuli", _dir, "--raw-data-out", _dir),
            $"texturebias: --raw-data-out {_dir}: a folder, not a file (name a file in it)");
        AssertOneLine(CliRunner.RunWith(env, "stylize", "--vgg", "vgg_normalised", "--decoder", "decoder", "--content-dir", _dir, "--style-dir", _dir, "--out-dir", file),
            $"texturebias: --out-dir {file}: a file, not a folder");
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void EveryOutputOptionOfEveryCommandIsChecked()
    {
        var outputs = new[] { "--out", "--out-dir", "--logits-out", "--raw-data-out", "--npy", "--csv", "--plot", "--confusion", "--losses", "--style-cache", "--cache" };
        var unchecked_ = new List<string>();
        var pending = new Stack<Command>(new[] { (Command)Program.CreateRoot() });
        int seen = 0;
        while (pending.Count > 0)
        {
            var command = pending.Pop();
            foreach (var sub in command.Subcommands) pending.Push(sub);
            foreach (var option in command.Options.Where(o => outputs.Contains(o.Name) || o.Name.EndsWith("-out", StringComparison.Ordinal)))
            {
                seen++;
                if (!PathOptions.IsDeclared(option)) unchecked_.Add($"{command.Name} {option.Name}");
            }
        }
        Assert.True(seen >= 20, $"only {seen} output options found");
        Assert.Empty(unchecked_);
    }

    [Fact]
    public void AFailedDownloadNamesWeightsImport()
    {
        var r = CliRunner.RunWith(env, "weights", "fetch", "gone_bagnet");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("texturebias: downloading gone_bagnet", lines[0]);
        string line = lines[1];
        Assert.StartsWith("texturebias: could not download gone_bagnet (gone-0123abcd.pth): ", line);
        Assert.Contains("HTTP 404", line);
        Assert.DoesNotContain("retr", line); // a missing file is not retried, and the message does not say it was
        Assert.EndsWith("to use a copy fetched elsewhere: texturebias weights import gone_bagnet FILE", line);
        Assert.Equal(1, server.RequestsFor("/gone-0123abcd.pth"));
    }
}
