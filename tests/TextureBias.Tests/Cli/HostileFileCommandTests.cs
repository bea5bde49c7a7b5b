using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Tests.Models;
using Xunit;
using static TextureBias.Tests.Models.CraftedWeightFiles;

namespace TextureBias.Tests.Cli;

/// <summary>
/// Crafted weight files given to the command as a user would: exit code 2 and one line naming the
/// file, never a stack trace or "Unhandled exception"; a valid file that names code to run loads
/// with a warning, and nothing runs.
/// </summary>
public class HostileFileCommandTests : TempDirTest
{

    private string Image()
    {
        var path = Path.Combine(_dir, "cat.png");
        if (!File.Exists(path)) TestImages.WritePng(path, Preprocessing.CropRegion(ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png")), 0, 0, 64, 64));
        return path;
    }

    public static TheoryData<string> Files() => new()
    {
        "deep", "self", "stride0", "overflow", "zipbomb", "safetensors-negative", "safetensors-no-dtype", "torchscript", "scalar-fc", "huge-fc",
    };

    private static byte[] Craft(string kind)
    {
        byte[] Obj(Action<PickleBuilder> build, params (string, long, byte[])[] storages)
        {
            var p = new PickleBuilder();
            build(p);
            return Legacy(p.Stop().ToArray(), storages);
        }
        return kind switch
        {
            "deep" => Obj(p => { for (int i = 0; i < 100_000; i++) p.EmptyList(); for (int i = 1; i < 100_000; i++) p.Append(); }),
            "self" => Obj(p => p.EmptyList().Put(0).Get(0).Append()),
            "stride0" => Obj(p => p.EmptyDict().Str("fc.weight").Tensor(s => s.LegacyStorage("0", 1), 0, new long[] { 100_000, 100_000 }, new long[] { 0, 0 }).SetItem(), ("0", 1, Floats(1))),
            "overflow" => Obj(p => p.EmptyDict().Str("w").Tensor(s => s.LegacyStorage("0", 1L << 62), 0, new long[] { 1 }, new long[] { 1 }).SetItem(), ("0", 1L << 62, Floats(1))),
            "zipbomb" => Zip(new[] { ("archive/data.pkl", new byte[64 << 20]) }, deflate: true),
            "safetensors-negative" => Safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,4],\"data_offsets\":[0,16]}}", Floats(4)),
            "safetensors-no-dtype" => Safetensors("{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", Floats(4)),
            "torchscript" => Zip(new[] { ("m/data.pkl", new PickleBuilder().EmptyDict().Stop().ToArray()), ("m/constants.pkl", new byte[] { 0x80, 2, (byte)')', (byte)'.' }), ("m/code/__torch__.py", "x = 1"u8.ToArray()) }),
            "scalar-fc" => Obj(p => p.EmptyDict().Str("conv1.weight").LegacyTensor("0", 4, 3, 7, 7).SetItem()
                .Str("fc.weight").Tensor(s => s.LegacyStorage("1", 1), 0, Array.Empty<long>(), Array.Empty<long>()).SetItem(), ("0", 588, Floats(588)), ("1", 1, Floats(1))),
            "huge-fc" => Obj(p => p.EmptyDict().Str("conv1.weight").LegacyTensor("0", 4, 3, 7, 7).SetItem().Str("layer1.0.conv3.weight").LegacyTensor("1", 16, 4, 1, 1).SetItem()
                .Str("fc.weight").Tensor(s => s.LegacyStorage("2", 0), 0, new long[] { 500_000, 0 }, new long[] { 0, 1 }).SetItem(), ("0", 588, Floats(588)), ("1", 64, Floats(64)), ("2", 0, Array.Empty<byte>())),
            _ => throw new ArgumentException(kind),
        };
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EachCraftedFileIsOneLineAndExitCode2(string kind)
    {
        var path = Write($"{kind}{(kind.StartsWith("safetensors") ? ".safetensors" : ".pth")}", Craft(kind));
        var r = CliRunner.Run("classify", "--weights", path, Image());
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"texturebias: {path}: ", line);
        Assert.DoesNotContain("internal error", line);
    }

    [Fact]
    public void AValidFileNamingOsSystemLoadsWithAWarning()
    {
        var marker = Path.Combine(_dir, "PWNED");
        using var model = Architectures.Create("bagnet9", 10, width: 4);
        var file = LegacyStateDict(model.state_dict().Select(kv => (kv.Key, kv.Value)),
            p => p.Str("zz_payload").Global("posix", "system").Mark().Str($"touch {marker}").Tuple().Reduce().SetItem());
        var path = Write("evil.pth", file);
        // The payload's key is not a tensor: the state_dict loads, the extra key is not in the model.
        var r = CliRunner.Run("classify", "--weights", path, "--resize", "64", "--crop", "64", Image());
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("texturebias: warning: ", r.Stderr);
        Assert.Contains("posix.system", r.Stderr);
        Assert.False(File.Exists(marker));
    }
}
