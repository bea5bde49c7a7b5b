using System.Text;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;
using static TextureBias.Tests.Models.CraftedWeightFiles;

namespace TextureBias.Tests.Models;

/// <summary>
/// The security review's crafted files, rebuilt by the tests: each is refused with one line naming
/// the file and the cause (or, where the file is valid, read), within seconds and without
/// allocating more than a few hundred MB, and no code in it ever runs.
/// </summary>
[Collection(nameof(MemoryCollection))]
public class HostileWeightFileTests : TempDirTest
{
    /// <summary>What a tiny crafted file may make the process allocate.</summary>
    private const long TinyFileMemory = 300L << 20;


    /// <summary>Runs <paramref name="action"/> with a time bound (a hang fails the test) and returns the memory it added.</summary>
    private static long Bounded(Action action)
    {
        long added = 0;
        var run = Task.Run(() => added = PeakMemory.Added(action));
        Assert.True(run.Wait(TimeSpan.FromSeconds(60)), "did not finish within 60 s");
        run.GetAwaiter().GetResult();
        return added;
    }

    /// <summary>Asserts that reading <paramref name="bytes"/> is refused with one line holding <paramref name="cause"/>, quickly and in bounded memory.</summary>
    private string Refused(string name, byte[] bytes, string cause, Action<string>? read = null)
    {
        var path = Write(name, bytes);
        read ??= p => { using var c = WeightFile.Read(p); };
        WeightFileException? error = null;
        long added = Bounded(() => error = Assert.Throws<WeightFileException>(() => read(path)));
        Assert.StartsWith(path + ": ", error!.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(error.Message.Contains(cause, StringComparison.Ordinal), $"\"{cause}\" not in: {error.Message}");
        Assert.True(added < TinyFileMemory, $"{name}: reading a {bytes.Length:N0}-byte file added {added >> 20} MB");
        return error.Message;
    }

    /// <summary>The weight-file warnings given while <paramref name="action"/> runs.</summary>
    private static List<string> WarningsOf(Action action)
    {
        var warnings = new List<string>();
        var previous = WeightFile.Warning;
        WeightFile.Warning = warnings.Add;
        try
        {
            action();
        }
        finally
        {
            WeightFile.Warning = previous;
        }
        return warnings;
    }

    private static byte[] LegacyObject(Action<PickleBuilder> build, params (string Key, long Numel, byte[] Data)[] storages)
    {
        var p = new PickleBuilder();
        build(p);
        return Legacy(p.Stop().ToArray(), storages);
    }

    // Defect 2: unbounded recursion.

    [Fact]
    public void ListsNestedAHundredThousandDeepAreRefused()
    {
        const int depth = 100_000;
        var file = LegacyObject(p =>
        {
            for (int i = 0; i < depth; i++) p.EmptyList();
            for (int i = 1; i < depth; i++) p.Append();
        });
        Refused("deep.pth", file, "nest more than");
        var zip = TorchZip(new PickleBuilder().Raw(Enumerable.Repeat((byte)']', depth).Concat(Enumerable.Repeat((byte)'a', depth - 1)).ToArray()).Stop().ToArray());
        Refused("deep-zip.pth", zip, "nest more than");
    }

    [Fact]
    public void AListHoldingItselfIsReadOnce()
    {
        // l = []; l.append(l): 337 bytes ended in a stack overflow (exit 134).
        var file = LegacyObject(p => p.EmptyList().Put(0).Get(0).Append());
        Refused("self.pth", file, "holds no model weights");
        // A dict holding itself beside a real tensor loads: the cycle is left as it is.
        var dict = LegacyObject(p => p.EmptyDict().Put(0)
            .Str("w").LegacyTensor("0", 2, 2).SetItem()
            .Str("me").Get(0).SetItem(), ("0", 4, Floats(4)));
        var path = Write("self-dict.pth", dict);
        using var checkpoint = WeightFile.Read(path);
        Assert.Equal(new long[] { 2, 2 }, checkpoint.StateDict["w"].shape);
    }

    [Fact]
    public void AModuleHoldingItselfIsWalkedOnce()
    {
        // A pickled nn.Module whose _modules holds the module itself.
        var file = LegacyObject(p =>
        {
            p.Global("torch.nn", "Module").Mark().Tuple().Op(0x81).Put(0); // NEWOBJ
            p.EmptyDict()
                .Str("_parameters").EmptyDict().Str("weight").LegacyTensor("0", 3).SetItem().SetItem()
                .Str("_modules").EmptyDict().Str("again").Get(0).SetItem().SetItem();
            p.Op('b'); // BUILD
        }, ("0", 3, Floats(3)));
        var path = Write("module.pth", file);
        using var checkpoint = WeightFile.Read(path);
        Assert.Equal(new[] { "weight" }, checkpoint.StateDict.Keys);
    }

    // Defect 3: shared references explode.

    [Fact]
    public void SixtyFourLevelsOfSharedListsAreMaterialisedOnce()
    {
        // l0 = [t]; l(i+1) = [l(i), l(i)]: 2^64 paths through 65 lists.
        var file = LegacyObject(p =>
        {
            p.EmptyDict().Str("w").LegacyTensor("0", 2).Put(0).SetItem();
            p.Str("tree").EmptyList().Get(0).Append().Put(1).Op('0');
            for (int i = 1; i <= 64; i++) p.EmptyList().Mark().Get(i).Get(i).Appends().Put(i + 1).Op('0');
            p.Get(65).SetItem();
        }, ("0", 2, Floats(2)));
        var path = Write("shared.pth", file);
        long added = Bounded(() => { using var c = WeightFile.Read(path); Assert.Equal(new long[] { 2 }, c.StateDict["w"].shape); });
        Assert.True(added < TinyFileMemory, $"added {added >> 20} MB");
    }

    // Defect 4: tiny files allocate gigabytes.

    [Theory]
    [InlineData(new long[] { 100_000, 100_000 }, new long[] { 0, 0 })]
    [InlineData(new long[] { 10_000_000_000 }, new long[] { 0 })]
    [InlineData(new long[] { 1000, 1000 }, new long[] { 1, 1 })]
    [InlineData(new long[] { 4, 3 }, new long[] { 2, 1 })]
    public void StrideZeroAndOverlappingViewsAreRefused(long[] size, long[] stride)
    {
        var file = LegacyObject(p => p.EmptyDict().Str("fc.weight").Tensor(s => s.LegacyStorage("0", 4000), 0, size, stride).SetItem(), ("0", 4000, Floats(4000)));
        Refused($"view-{string.Join("x", size)}.pth", file, "stride-0 or overlapping");
    }

    [Fact]
    public void TransposedAndNarrowedViewsStillLoad()
    {
        // Legitimate views: a transposed matrix and a slice share one storage, without copies.
        var file = LegacyObject(p => p.EmptyDict()
            .Str("a").Tensor(s => s.LegacyStorage("0", 12), 0, new long[] { 3, 4 }, new long[] { 1, 3 }).SetItem()
            .Str("b").Tensor(s => s.LegacyStorage("0", 12), 4, new long[] { 2, 2 }, new long[] { 2, 1 }).SetItem(), ("0", 12, Floats(12)));
        var path = Write("views.pth", file);
        using var c = WeightFile.Read(path);
        Assert.Equal(new[] { 0.5f, 3.5f, 6.5f, 9.5f }, c.StateDict["a"][0].contiguous().data<float>().ToArray());
        Assert.Equal(new[] { 4.5f, 5.5f, 6.5f, 7.5f }, c.StateDict["b"].contiguous().data<float>().ToArray());
        Assert.Equal(12, c.StoredElements);
    }

    [Fact]
    public void AHundredReferencesToOneStorageShareIt()
    {
        // 10 MB of storage referenced by 100 tensors: 1.19 GB when each was copied.
        const long n = 2_500_000;
        var file = LegacyObject(p =>
        {
            p.EmptyDict();
            for (int i = 0; i < 100; i++) p.Str($"w{i}").LegacyTensor("0", n).SetItem();
        }, ("0", n, Floats(n)));
        var path = Write("hundred.pth", file);
        long added = Bounded(() =>
        {
            using var c = WeightFile.Read(path);
            Assert.Equal(100, c.StateDict.Count);
            Assert.Equal(n, c.StoredElements);
            Assert.Equal(n - 0.5f, c.StateDict["w99"][n - 1].item<float>());
        });
        Assert.True(added < 200L << 20, $"added {added >> 20} MB for a 10 MB file");
    }

    [Fact]
    public void AnEmptyHugeClassifierIsRefusedBeforeTheModelIsBuilt()
    {
        // fc.weight [500000, 0] beside a ResNet-50's stem: 1.21 GB of model for a few bytes of file.
        var file = LegacyObject(p => p.EmptyDict()
            .Str("conv1.weight").LegacyTensor("0", 4, 3, 7, 7).SetItem()
            .Str("layer1.0.conv3.weight").LegacyTensor("1", 16, 4, 1, 1).SetItem()
            .Str("fc.weight").Tensor(s => s.LegacyStorage("2", 0), 0, new long[] { 500_000, 0 }, new long[] { 0, 1 }).SetItem(),
            ("0", 588, Floats(588)), ("1", 64, Floats(64)), ("2", 0, Array.Empty<byte>()));
        var message = Refused("huge-fc.pth", file, "cannot hold these weights", p => ModelWeights.LoadClassifier(null, p).Dispose());
        Assert.Matches("500.000 classes", message);
        // A width of 100000 in a BagNet's 1x1 stem: a model of trillions of parameters.
        var wide = LegacyObject(p => p.EmptyDict()
            .Str("conv1.weight").LegacyTensor("0", 100_000, 3, 1, 1).SetItem()
            .Str("conv2.weight").LegacyTensor("1", 1, 1, 1, 1).SetItem(),
            ("0", 300_000, Floats(300_000)), ("1", 1, Floats(1)));
        Assert.Contains("width 100000", Refused("wide.pth", wide, "cannot hold these weights", p => ModelWeights.LoadClassifier(null, p).Dispose()));
        // A scalar where the classifier's matrix belongs: one line, not IndexOutOfRangeException.
        var scalar = LegacyObject(p => p.EmptyDict()
            .Str("conv1.weight").LegacyTensor("0", 4, 3, 7, 7).SetItem()
            .Str("fc.weight").Tensor(s => s.LegacyStorage("1", 1), 0, Array.Empty<long>(), Array.Empty<long>()).SetItem(),
            ("0", 588, Floats(588)), ("1", 1, Floats(1)));
        Refused("scalar-fc.pth", scalar, "not 2 dimensions", p => ModelWeights.LoadClassifier(null, p).Dispose());
    }

    [Fact]
    public void AnEmptyHugeClassifierOfADenseNetOrGoogLeNetIsRefusedBeforeTheModelIsBuilt()
    {
        // classifier.weight [500000, 0] beside a DenseNet's stem (legacy keys count too), fc.weight beside GoogLeNet's.
        var dense = LegacyObject(p => p.EmptyDict()
            .Str("features.conv0.weight").LegacyTensor("0", 4, 3, 7, 7).SetItem()
            .Str("features.denseblock1.denselayer1.norm.1.weight").LegacyTensor("1", 4).SetItem()
            .Str("classifier.weight").Tensor(s => s.LegacyStorage("2", 0), 0, new long[] { 500_000, 0 }, new long[] { 0, 1 }).SetItem(),
            ("0", 588, Floats(588)), ("1", 4, Floats(4)), ("2", 0, Array.Empty<byte>()));
        Assert.Contains("densenet121 with 500", Refused("huge-densenet.pth", dense, "cannot hold these weights", p => ModelWeights.LoadClassifier(null, p).Dispose()));
        var google = LegacyObject(p => p.EmptyDict()
            .Str("conv1.conv.weight").LegacyTensor("0", 4, 3, 7, 7).SetItem()
            .Str("inception3a.branch1.conv.weight").LegacyTensor("1", 4).SetItem()
            .Str("fc.weight").Tensor(s => s.LegacyStorage("2", 0), 0, new long[] { 500_000, 0 }, new long[] { 0, 1 }).SetItem(),
            ("0", 588, Floats(588)), ("1", 4, Floats(4)), ("2", 0, Array.Empty<byte>()));
        Assert.Contains("googlenet with 500", Refused("huge-googlenet.pth", google, "cannot hold these weights", p => ModelWeights.LoadClassifier(null, p).Dispose()));
    }

    [Fact]
    public void ManyBlocksClaimedByViewsOfOneStorageAreRefused()
    {
        // 4000 residual blocks whose weights are all views of one 16-element storage.
        var file = LegacyObject(p =>
        {
            p.EmptyDict().Str("conv1.weight").LegacyTensor("0", 4, 3, 7, 7).SetItem();
            for (int stage = 1; stage <= 4; stage++)
                for (int b = 0; b < 1000; b++)
                    p.Str($"layer{stage}.{b}.conv3.weight").Tensor(s => s.LegacyStorage("1", 16), 0, new long[] { 16 }, new long[] { 1 }).SetItem();
            p.Str("fc.weight").LegacyTensor("2", 10, 128).SetItem();
        }, ("0", 588, Floats(588)), ("1", 16, Floats(16)), ("2", 1280, Floats(1280)));
        Assert.Contains("blocks 1000,1000,1000,1000", Refused("deep-net.pth", file, "cannot hold these weights", p => ModelWeights.LoadClassifier(null, p).Dispose()));
    }

    // Defect 5: zip bombs.

    [Fact]
    public void ADataPklZipBombIsRefused()
    {
        // 100 MB of a repeated byte deflates to ~100 KB.
        var bomb = Zip(new[] { ("archive/data.pkl", new byte[100 << 20]), ("archive/byteorder", "little"u8.ToArray()) }, deflate: true);
        Assert.True(bomb.Length < 1 << 20);
        Refused("bomb.pth", bomb, "zip bomb");
        // The same with the entry's declared size forged to 10 bytes: inflating stops there (10 zero bytes, no pickle).
        Refused("forged-bomb.pth", ForgeUncompressedSize(bomb, "archive/data.pkl", 10), "not a readable weight file");
    }

    [Fact]
    public void AByteorderZipBombIsRefused()
    {
        var pkl = new PickleBuilder().EmptyDict().Str("w").Tensor(s => s.ZipStorage("0", 2), 0, new long[] { 2 }, new long[] { 1 }).SetItem().Stop().ToArray();
        var bomb = Zip(new[] { ("archive/data.pkl", pkl), ("archive/byteorder", new byte[200 << 20]), ("archive/data/0", Floats(2)) }, deflate: true);
        Refused("byteorder-bomb.pth", bomb, "byteorder");
    }

    [Fact]
    public void AStorageZipBombIsRefusedBeforeAllocating()
    {
        // One storage claims 400 MB of zeros (deflated to ~400 KB): refused before anything is allocated.
        const long n = 100_000_000;
        var pkl = new PickleBuilder().EmptyDict().Str("w").Tensor(s => s.ZipStorage("0", n), 0, new long[] { n }, new long[] { 1 }).SetItem().Stop().ToArray();
        var ms = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in new[] { ("archive/data.pkl", pkl), ("archive/byteorder", "little"u8.ToArray()) })
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(data);
            }
            using var storage = zip.CreateEntry("archive/data/0", System.IO.Compression.CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (long written = 0; written < n * 4; written += zeros.Length) storage.Write(zeros, 0, (int)Math.Min(zeros.Length, n * 4 - written));
        }
        Refused("storage-bomb.pth", ms.ToArray(), "zip bomb");
    }

    /// <summary>Rewrites the uncompressed size of <paramref name="entry"/> in its local and central headers.</summary>
    private static byte[] ForgeUncompressedSize(byte[] zip, string entry, uint size)
    {
        var bytes = (byte[])zip.Clone();
        var name = Encoding.ASCII.GetBytes(entry);
        for (int i = 0; i + 46 < bytes.Length; i++)
        {
            uint sig = BitConverter.ToUInt32(bytes, i);
            if (sig == 0x04034b50 && bytes.AsSpan(i + 30, name.Length).SequenceEqual(name)) BitConverter.TryWriteBytes(bytes.AsSpan(i + 22), size);
            if (sig == 0x02014b50 && bytes.AsSpan(i + 46, name.Length).SequenceEqual(name)) BitConverter.TryWriteBytes(bytes.AsSpan(i + 24), size);
        }
        return bytes;
    }

    // Defect 6: integer overflow in size checks.

    [Fact]
    public void SizesThatOverflowAreRefused()
    {
        // A storage of 2^62 floats: 2^64 bytes wrapped to 0 and passed the check.
        Refused("storage-overflow.pth", LegacyObject(p => p.EmptyDict().Str("w").Tensor(s => s.LegacyStorage("0", 1L << 62), 0, new long[] { 1 }, new long[] { 1 }).SetItem(), ("0", 1L << 62, Floats(1))),
            "64-bit");
        // A view whose offset + extent wraps around.
        Refused("extent-overflow.pth", LegacyObject(p => p.EmptyDict().Str("w").Tensor(s => s.LegacyStorage("0", 4), long.MaxValue - 1, new long[] { 2, 2 }, new long[] { long.MaxValue / 2, 1 }).SetItem(), ("0", 4, Floats(4))),
            "64-bit");
        // A legacy storage view past its storage, with offset + size wrapping.
        Refused("storage-view.pth", LegacyObject(p => p.EmptyDict().Str("w").Tensor(s => s.LegacyStorage("0", 4, view: (long.MaxValue, 4)), 0, new long[] { 1 }, new long[] { 1 }).SetItem(), ("0", 4, Floats(4))),
            "storage view outside");
        // A zip storage whose declared count overflows the byte count.
        var pkl = new PickleBuilder().EmptyDict().Str("w").Tensor(s => s.ZipStorage("0", long.MaxValue / 2), 0, new long[] { 1 }, new long[] { 1 }).SetItem().Stop().ToArray();
        Refused("zip-overflow.pth", TorchZip(pkl, ("0", Floats(1))), "64-bit");
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,4],\"data_offsets\":[0,16]}}", "non-negative")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,0]}}", "overflows")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,9223372036854775807]}}", "outside the file")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[18446744073709551615,16]}}", "non-negative")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "share bytes")]
    [InlineData("{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", "no dtype")]
    [InlineData("{\"w\":{\"dtype\":7,\"shape\":[4],\"data_offsets\":[0,16]}}", "no dtype")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,16]}}", "no shape")]
    [InlineData("{\"w\":[1]}", "not an object")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,16]}}", "non-negative whole number")]
    public void MalformedSafetensorsHeadersAreRefused(string header, string cause)
    {
        Refused("bad.safetensors", Safetensors(header, Floats(4)), cause);
    }

    [Fact]
    public void MillionsOfEmptyTensorsAreRefused()
    {
        // Empty tensors take no bytes of the file but a native tensor each: their number is bounded.
        var header = new StringBuilder("{");
        for (int i = 0; i <= 200_000; i++) header.Append(i == 0 ? "" : ",").Append($"\"t{i}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        Refused("empty-tensors.safetensors", Safetensors(header.Append('}').ToString(), Array.Empty<byte>()), "more than 200,000 tensors".Replace(",", System.Globalization.NumberFormatInfo.CurrentInfo.NumberGroupSeparator));
    }

    // Defect 7: malformed files crash with a stack trace: any failure is a WeightFileException.

    [Fact]
    public void ControlCharactersFromTheFileStayOnOneLine()
    {
        var file = LegacyObject(p => p.EmptyDict().Str("bad\nkey\r\u001b[31m").Str("value").SetItem());
        var message = Refused("control.pth", file, "holds no model weights");
        Assert.DoesNotContain('\u001b', message);
    }

    // Defect 10: dangerous globals are loaded silently.

    [Fact]
    public void ACheckpointNamingOsSystemLoadsWithAWarningAndRunsNothing()
    {
        var marker = Path.Combine(_dir, "PWNED");
        var file = LegacyObject(p => p.EmptyDict()
            .Str("state_dict").EmptyDict().Str("w").LegacyTensor("0", 2).SetItem().SetItem()
            .Str("payload").Global("os", "system").Mark().Str($"touch {marker}").Tuple().Reduce().SetItem()
            .Str("more").Global("builtins", "eval").Mark().Str("1+1").Tuple().Reduce().SetItem(), ("0", 2, Floats(2)));
        var path = Write("evil-checkpoint.pth.tar", file);
        var warnings = WarningsOf(() =>
        {
            using (var c = WeightFile.Read(path)) Assert.Equal(new long[] { 2 }, c.StateDict["w"].shape);
            using (var c = WeightFile.Read(path)) Assert.Single(c.StateDict);
        });
        var warning = Assert.Single(warnings); // once per file
        Assert.Contains("os.system", warning);
        Assert.Contains("builtins.eval", warning);
        Assert.StartsWith(path, warning);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void HarmlessGlobalsOfRealCheckpointsGiveNoWarning()
    {
        // pytorch/examples and Lightning checkpoints carry argparse.Namespace, pathlib paths, functools.partial.
        var file = LegacyObject(p => p.EmptyDict()
            .Str("state_dict").EmptyDict().Str("w").LegacyTensor("0", 2).SetItem().SetItem()
            .Str("args").Global("argparse", "Namespace").Mark().Tuple().Op(0x81).SetItem()
            .Str("root").Global("pathlib", "PosixPath").Mark().Str("/data/imagenet").Tuple().Reduce().SetItem()
            .Str("norm").Global("functools", "partial").Mark().Global("torch.nn.modules.batchnorm", "BatchNorm2d").Tuple().Reduce().SetItem(), ("0", 2, Floats(2)));
        var path = Write("plain-checkpoint.pth.tar", file);
        var warnings = WarningsOf(() =>
        {
            using var c = WeightFile.Read(path);
            Assert.Single(c.StateDict);
        });
        Assert.Empty(warnings);
    }

    // Defect 11: large pickle integers.

    [Fact]
    public void IntegersWrittenWithMoreBytesThanNeededAreNumbers()
    {
        // Element counts and offsets as LONG1 of 9 bytes (BigInteger in the reader) still load...
        var p = new PickleBuilder().EmptyDict().Str("w");
        p.Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(6, bytes: 9).Mark().Str("0v").Int(2, bytes: 9).Int(4, bytes: 9).Tuple().Tuple().Op('Q')
            .Int(0, bytes: 9).Mark().Int(4, bytes: 9).Tuple().Mark().Int(1, bytes: 9).Tuple().False()
            .Global("collections", "OrderedDict").Mark().Tuple().Reduce().Tuple().Reduce().SetItem();
        var path = Write("long-ints.pth", Legacy(p.Stop().ToArray(), ("0", 6, Floats(6))));
        using (var c = WeightFile.Read(path))
            Assert.Equal(new[] { 2.5f, 3.5f, 4.5f, 5.5f }, c.StateDict["w"].data<float>().ToArray()); // the view's offset is applied
        // ...and a view offset beyond 64 bits is refused, not ignored.
        var big = new PickleBuilder().EmptyDict().Str("w");
        big.Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(6).Mark().Str("0v").BigInt(System.Numerics.BigInteger.Pow(2, 70)).Int(4).Tuple().Tuple().Op('Q')
            .Int(0).Mark().Int(4).Tuple().Mark().Int(1).Tuple().False()
            .Global("collections", "OrderedDict").Mark().Tuple().Reduce().Tuple().Reduce().SetItem();
        Refused("huge-offset.pth", Legacy(big.Stop().ToArray(), ("0", 6, Floats(6))), "does not fit in 64 bits");
    }

    // Defect 14: TorchScript archives.

    [Fact]
    public void ATorchScriptArchiveIsNamed()
    {
        var pkl = new PickleBuilder().EmptyDict().Stop().ToArray();
        var archive = Zip(new[]
        {
            ("model/data.pkl", pkl), ("model/constants.pkl", pkl), ("model/code/__torch__/torchvision/models/resnet.py", "class ResNet: pass"u8.ToArray()),
            ("model/byteorder", "little"u8.ToArray()), ("model/version", "3\n"u8.ToArray()),
        });
        Refused("scripted.pt", archive, "TorchScript archive");
    }

    [Fact]
    public void PicklesThatCopyValuesOverAndOverAreRefused()
    {
        // A 1 MB string encoded to bytes 2000 times from the memo: 2 GB from a 1 MB file.
        var p = new PickleBuilder().Str(new string('x', 1 << 20)).Put(0).Op('0').EmptyList();
        for (int i = 0; i < 2000; i++) p.Global("_codecs", "encode").Mark().Get(0).Str("latin1").Tuple().Reduce().Append();
        Refused("copies.pth", Legacy(p.Stop().ToArray()), "MB of values");
    }

    [Fact]
    public void PipesAndDevicesAreNotOpened()
    {
        // A FIFO would block a reader forever; /dev/zero never ends.
        if (!OperatingSystem.IsLinux()) return;
        var fifo = Path.Combine(_dir, "weights.pth");
        var mk = System.Diagnostics.Process.Start("mkfifo", fifo)!;
        mk.WaitForExit();
        Assert.Equal(0, mk.ExitCode);
        Bounded(() => Assert.Contains("not a regular file", Assert.Throws<WeightFileException>(() => WeightFile.Read(fifo)).Message));
        Bounded(() => Assert.Contains("not a regular file", Assert.Throws<WeightFileException>(() => WeightFile.Read("/dev/zero")).Message));
    }
}
