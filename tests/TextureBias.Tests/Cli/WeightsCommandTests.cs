using System.Security.Cryptography;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Tests.Models.Zoo;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

/// <summary>
/// <c>texturebias weights</c> and <c>--weights NAME</c>, with the caches in a temporary folder and
/// an extra registry entry served from loopback (TEXTUREBIAS_REGISTRY): never the internet.
/// </summary>
public sealed class WeightsCommandTests : TempDirTest, IDisposable
{
    private readonly LoopbackServer server = new();
    private readonly Dictionary<string, string> env;
    private readonly string file;
    private readonly byte[] bytes;
    private readonly string sha;
    private readonly string cache;
    private readonly string image = Fixture.Images("rgb8.png");

    public WeightsCommandTests()
    {
        (bytes, sha) = TextureBias.Tests.Models.Zoo.ZooTest.TinyWeights(_dir, seed: 5);
        file = $"tiny-{sha[..8]}.pth";
        server.Serve("/" + file, bytes);
        string registry = Path.Combine(_dir, "registry.json");
        File.WriteAllText(registry, $$"""
            {"weights": [{"name": "tiny_bagnet", "kind": "classifier", "architecture": "bagnet9", "file": "{{file}}", "maxSize": 1000000,
              "urls": ["{{server.Url("/" + file)}}"], "trainedOn": "nothing (random)", "published": {"top1": 12.5},
              "licence": "none", "source": "a test"}]}
            """);
        cache = Path.Combine(_dir, "cache");
        env = ZooEnvironment.For(_dir, registry, cache);
    }

    void IDisposable.Dispose()
    {
        server.Dispose();
        Dispose();
    }

    [Fact]
    public void FetchListAndUseByName()
    {
        var before = CliRunner.RunWith(env, "weights", "list");
        Assert.Equal(0, before.ExitCode);
        foreach (var name in new[] { "bagnet33", "resnet50_trained_on_SIN_and_IN_then_finetuned_on_IN", "alexnet_trained_on_SIN", "vgg_normalised", "tiny_bagnet" })
            Assert.Contains(name, before.Stdout);
        Assert.Contains("12.5%", before.Stdout);
        Assert.Contains(Path.Combine(cache, "weights"), before.Stdout);
        var unrecorded = CliRunner.RunWith(env, "weights", "show", "tiny_bagnet");
        Assert.Contains($"sha256      begins with {sha[..8]} (from the file name; the registry has no whole hash)", unrecorded.Stdout);
        Assert.Contains("recorded    nothing yet", unrecorded.Stdout);
        Assert.Contains("size        at most 976.6 KiB (1000000 bytes; exact size not registered)", unrecorded.Stdout);

        var fetch = CliRunner.RunWith(env, "weights", "fetch", "tiny_bagnet");
        Assert.Equal(0, fetch.ExitCode);
        string cached = Path.Combine(cache, "weights", file);
        Assert.Equal($"tiny_bagnet\t{cached}", fetch.Stdout.Trim());
        Assert.Contains("SHA-256 checked", fetch.Stderr);
        Assert.Equal(bytes, File.ReadAllBytes(cached));

        var after = CliRunner.RunWith(env, "weights", "list");
        Assert.Matches(@"(?m)^\* tiny_bagnet ", after.Stdout); // marked as on this machine
        var show = CliRunner.RunWith(env, "weights", "show", "tiny_bagnet");
        Assert.Equal(0, show.ExitCode);
        Assert.Contains($"here        {cached} (", show.Stdout);
        Assert.Contains("trained on  nothing (random)", show.Stdout);
        Assert.Contains($"recorded    {sha} (recorded here when first verified; later files must match it)", show.Stdout); // the download recorded it
        var registered = CliRunner.RunWith(env, "weights", "show", "resnet50");
        Assert.Matches(@"(?m)^sha256 +0676ba61b6795bbe1773cffd859882e5e297624d384b6993f7c9e683e722fb8a \(registered\)$", registered.Stdout);
        Assert.DoesNotContain("recorded", registered.Stdout);

        using (var json = System.Text.Json.JsonDocument.Parse(CliRunner.RunWith(env, "weights", "list", "--json").Stdout))
        {
            var hashes = json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("weights").GetProperty("name").GetString()!, e => e.GetProperty("hash"));
            Assert.Equal("recorded", hashes["tiny_bagnet"].GetProperty("checked_against").GetString());
            Assert.Equal(sha, hashes["tiny_bagnet"].GetProperty("recorded_sha256").GetString());
            Assert.Equal("registered", hashes["resnet50"].GetProperty("checked_against").GetString());
            Assert.Equal("prefix", hashes["bagnet33"].GetProperty("checked_against").GetString());
            Assert.Equal("2ddd53ed", hashes["bagnet33"].GetProperty("prefix").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, hashes["bagnet33"].GetProperty("recorded_sha256").ValueKind);
        }

        // --weights NAME without --arch: the registry knows it; offline is fine now that it is cached.
        var classify = CliRunner.RunWith(env, "classify", "--weights", "tiny_bagnet", "--offline", "--resize", "64", "--crop", "56", image);
        Assert.Equal(0, classify.ExitCode);
        Assert.Contains("rgb8.png", classify.Stdout);

        var verify = CliRunner.RunWith(env, "weights", "verify");
        Assert.Equal(0, verify.ExitCode);
        Assert.Equal($"tiny_bagnet\tok\t{sha}\t{cached}\tprefix {sha[..8]} + sha256 recorded here", verify.Stdout.Trim());
        Assert.Equal(1, server.RequestsFor("/" + file));
    }

    [Fact]
    public void TheListFitsEightyColumnsWithEveryNameWhole()
    {
        var list = CliRunner.RunWith(new Dictionary<string, string>(env) { ["COLUMNS"] = "80" }, "weights", "list");
        Assert.Equal(0, list.ExitCode);
        var lines = list.Stdout.Split('\n');
        var table = lines.TakeWhile(l => l.Length > 0).ToList();
        Assert.All(table, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.All(lines.Where(l => !l.StartsWith("cache: ") && !l.StartsWith("also reused: ")), l => Assert.True(l.Length <= 80, l));
        var registry = TextureBias.Models.Zoo.WeightRegistry.BuiltIn.Entries.Select(e => e.Name).Append("tiny_bagnet").ToList();
        Assert.Equal(registry.Count + 1, table.Count); // a header and one line per entry
        foreach (var name in registry)
            Assert.Single(table, l => l.Length > 2 && l[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] == name);
        Assert.Contains(table, l => l.Contains("resnet50_trained_on_SIN_and_IN_then_finetuned_on_IN  resnet50"));
        Assert.Matches(@"(?m)^  tiny_bagnet +bagnet9 +12\.5% +-$", list.Stdout);
    }

    [Fact]
    public void WeightsNamesAreFetchedOnFirstUse()
    {
        var classify = CliRunner.RunWith(env, "classify", "--weights", "tiny_bagnet", "--resize", "64", "--crop", "56", image);
        Assert.Equal(0, classify.ExitCode);
        Assert.Contains("downloading tiny_bagnet", classify.Stderr);
        Assert.True(File.Exists(Path.Combine(cache, "weights", file)));
    }

    [Fact]
    public void OfflineSaysWhatIsMissing()
    {
        foreach (var r in new[]
        {
            CliRunner.RunWith(env, "classify", "--weights", "bagnet17", "--offline", image),
            CliRunner.RunWith(new Dictionary<string, string>(env) { ["TEXTUREBIAS_OFFLINE"] = "1" }, "weights", "fetch", "tiny_bagnet"),
        })
        {
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith("texturebias: offline: ", r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
            CliRunner.AssertNoStackTrace(r);
        }
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void MistakesAreOneLine()
    {
        var unknown = CliRunner.RunWith(env, "classify", "--weights", "bagnet34", image);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("bagnet34: no such file, and no registered classifier weights of that name", unknown.Stderr);
        Assert.Contains("bagnet33", unknown.Stderr);

        var wrongKind = CliRunner.RunWith(env, "classify", "--weights", "decoder", "--offline", image);
        Assert.Equal(2, wrongKind.ExitCode);
        Assert.Contains("'decoder' is an AdaIN decoder", wrongKind.Stderr);

        var wrongArch = CliRunner.RunWith(env, "classify", "--arch", "resnet50", "--weights", "bagnet33", "--offline", image);
        Assert.Equal(2, wrongArch.ExitCode);
        Assert.Contains("bagnet33 weights, not resnet50", wrongArch.Stderr);

        // A BagNet command refuses other registered networks before downloading anything.
        var notBagNet = CliRunner.RunWith(env, "heatmap", "--weights", "resnet50_trained_on_SIN", "--image", image, "--out", Path.Combine(_dir, "h.png"));
        Assert.Equal(2, notBagNet.ExitCode);
        Assert.Contains("heatmaps need a BagNet (bagnet9, bagnet17, bagnet33), not resnet50", notBagNet.Stderr);
        Assert.DoesNotContain("downloading", notBagNet.Stderr);

        var notFound = CliRunner.RunWith(env, "weights", "fetch", "nosuch");
        Assert.Equal(2, notFound.ExitCode);
        Assert.Contains("no registered weights named 'nosuch'", notFound.Stderr);
        foreach (var r in new[] { unknown, wrongKind, wrongArch, notBagNet, notFound }) CliRunner.AssertNoStackTrace(r);
    }

    [Fact]
    public void ImportChecksACopyMadeElsewhere()
    {
        string copy = Path.Combine(_dir, "copy.pth");
        File.WriteAllBytes(copy, bytes);
        var import = CliRunner.RunWith(env, "weights", "import", "tiny_bagnet", copy, "--offline");
        Assert.Equal(0, import.ExitCode);
        Assert.Equal(Path.Combine(cache, "weights", file), import.Stdout.Trim());

        File.WriteAllBytes(copy, bytes[..^10]);
        var bad = CliRunner.RunWith(env, "weights", "import", "tiny_bagnet", copy, "--cache-dir", Path.Combine(_dir, "other"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("not imported", bad.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "other")) && Directory.EnumerateFiles(Path.Combine(_dir, "other")).Any());
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void ImportRefusesAForeignFileRenamedToCarryItsOwnHashPrefix()
    {
        string renamed = Path.Combine(_dir, $"x-{sha[..8]}.pth.tar");
        File.WriteAllBytes(renamed, bytes);
        var import = CliRunner.RunWith(env, "weights", "import", "bagnet33", renamed);
        Assert.Equal(2, import.ExitCode);
        Assert.Equal("", import.Stdout);
        var line = Assert.Single(import.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"texturebias: {renamed}: not imported as bagnet33: its SHA-256 {sha} does not begin with 2ddd53ed", line);
        CliRunner.AssertNoStackTrace(import);
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories).Any(), "something was written to the cache");
    }

    [Fact]
    public void ACachedFileChangedAfterItsCheckIsRefusedOnUse()
    {
        string copy = Path.Combine(_dir, "copy.pth");
        File.WriteAllBytes(copy, bytes);
        Assert.Equal(0, CliRunner.RunWith(env, "weights", "import", "tiny_bagnet", copy, "--offline").ExitCode);
        string cached = Path.Combine(cache, "weights", file);
        File.AppendAllText(cached, "x");
        string changed = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(cached)));

        var classify = CliRunner.RunWith(env, "classify", "--weights", "tiny_bagnet", "--offline", "--resize", "64", "--crop", "56", image);
        Assert.Equal(2, classify.ExitCode);
        CliRunner.AssertNoStackTrace(classify);
        var lines = classify.Stderr.Trim().Split('\n');
        Assert.Contains("checking the SHA-256 of", lines[0]); // a note, as hashing a large file takes seconds
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"texturebias: {cached}: not used as tiny_bagnet: its SHA-256 {changed} is not the {sha} recorded", lines[1]);
        Assert.Contains("texturebias weights fetch tiny_bagnet", lines[1]);
        Assert.True(File.Exists(cached)); // the user's to delete

        var verify = CliRunner.RunWith(env, "weights", "verify", "tiny_bagnet");
        Assert.Equal(1, verify.ExitCode);
        Assert.StartsWith($"tiny_bagnet\tWRONG HASH\t{changed}\t{cached}\tprefix {sha[..8]} + sha256 recorded here: SHA-256 {changed} is not the {sha}", verify.Stdout);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void AnHttpRegistryIsRefusedOutsideTests()
    {
        var production = new Dictionary<string, string>(env) { ["TEXTUREBIAS_TEST_INSECURE_LOCALHOST"] = "" };
        var list = CliRunner.RunWith(production, "weights", "list");
        Assert.Equal(2, list.ExitCode);
        var line = Assert.Single(list.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"texturebias: {Path.Combine(_dir, "registry.json")}: weights 'tiny_bagnet': '{server.Url("/" + file)}' is plain http; only https URLs are accepted", line);
        CliRunner.AssertNoStackTrace(list);
    }
}
