using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;

namespace TextureBias.Tests.Models;

/// <summary>Wrong and damaged weight files give a one-line error naming the file and the cause.</summary>
public class BadWeightFileTests : TempDirTest
{
    private static WeightFileException Fails(string path, Action<string>? load = null)
    {
        load ??= p => { using var m = BagNet.BagNet33(10, width: 4); ModelWeights.Load(m, p); };
        var e = Assert.Throws<WeightFileException>(() => load(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }


    [Theory]
    [InlineData("tiny-bagnet33.pth.tar")]
    [InlineData("tiny-bagnet33-zip.pth")]
    [InlineData("tiny-bagnet33-checkpoint.pth.tar")]
    public void TruncatedFiles(string fixture)
    {
        var bytes = File.ReadAllBytes(Fixture.Weights(fixture));
        foreach (var fraction in new[] { 0.001, 0.3, 0.9, 0.999 })
        {
            var path = Write($"cut-{fraction}-{fixture}", bytes[..(int)(bytes.Length * fraction)]);
            Assert.Matches("truncated|not a readable|unrecognised|ends", Fails(path).Message);
        }
    }

    [Fact]
    public void NotWeightFiles()
    {
        Assert.Contains("empty", Fails(Write("empty.pth", Array.Empty<byte>())).Message);
        Assert.Contains("no such file", Fails(Path.Combine(_dir, "missing.pth")).Message);
        Assert.Contains("unrecognised", Fails(Write("notes.pth", "just some text\n"u8.ToArray())).Message);
        Assert.Contains("unrecognised", Fails(Write("image.pth", File.ReadAllBytes(Fixture.Images("rgb8.png")))).Message);
        Assert.Contains("HDF5", Fails(Write("bagnet8.h5", new byte[] { 0x89, (byte)'H', (byte)'D', (byte)'F', 13, 10, 26, 10, 0, 0 })).Message);
    }

    [Fact]
    public void WrongArchitectureListsTheOffendingKeys()
    {
        // BagNet-33 weights into a BagNet-9 of the same width: 3x3 vs 1x1 in layer3.0 and layer4.0.
        var e = Fails(Fixture.Weights("tiny-bagnet33.pth.tar"), p => { using var m = BagNet.BagNet9(10, width: 4); ModelWeights.Load(m, p); });
        Assert.Contains("does not fit bagnet9", e.Message);
        Assert.Contains("the file looks like bagnet33", e.Message);
        Assert.Contains("layer3.0.conv2.weight (file [16,16,3,3], model [16,16,1,1])", e.Message);
        Assert.Contains("layer4.0.conv2.weight", e.Message);
        // 10 classes into a 1000-class network: fc shapes.
        var e2 = Fails(Fixture.Weights("tiny-bagnet33.pth.tar"), p => { using var m = BagNet.BagNet33(1000, width: 4); ModelWeights.Load(m, p); });
        Assert.Contains("fc.weight (file [10,128], model [1000,128])", e2.Message);
        // A ResNet-18's keys are a subset of a BagNet's: the rest is unexpected, the stem is the wrong shape.
        var e3 = Fails(Fixture.Weights("tiny-bagnet33.pth.tar"), p => { using var m = ResNet.ResNet18(10); ModelWeights.Load(m, p); });
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(e3.Message, @"unexpected \d+ keys: conv2\.weight, .*; wrong shape for \d+ keys: conv1\.weight \(file \[4,3,1,1\], model \[64,3,7,7\]\)"), e3.Message);
        Assert.Contains("… and", e3.Message);
    }

    [Fact]
    public void PicklesThatWouldRunCodeAreNotRun()
    {
        // A pickle calling os.system("touch PWNED"): protocol 2, GLOBAL os system, REDUCE.
        var marker = Path.Combine(_dir, "PWNED");
        var pickle = new List<byte> { 0x80, 0x02 };
        pickle.AddRange(System.Text.Encoding.ASCII.GetBytes("cos\nsystem\n"));
        var cmd = System.Text.Encoding.ASCII.GetBytes($"touch {marker}");
        pickle.Add((byte)'X');
        pickle.AddRange(BitConverter.GetBytes(cmd.Length));
        pickle.AddRange(cmd);
        pickle.AddRange(new byte[] { 0x85, (byte)'R', (byte)'.' });
        var e = Fails(Write("evil.pth", pickle.ToArray()));
        Assert.Contains("not a PyTorch file", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void DictWithoutWeights()
    {
        // {"epoch": 1} pickled with protocol 2 inside a legacy file is rejected by the magic number;
        // as a zip it would be "holds no model weights". Here: a plain pickle of a dict.
        var pickle = new byte[] { 0x80, 0x02, (byte)'}', (byte)'q', 0, (byte)'.' };
        Assert.Contains("not a PyTorch file", Fails(Write("dict.pkl", pickle)).Message);
    }
}
