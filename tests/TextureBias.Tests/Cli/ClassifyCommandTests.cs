using System.Text.Json;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TorchSharp;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>`texturebias classify` end to end on a folder with good and bad files.</summary>
public class ClassifyCommandTests : IDisposable
{
    private readonly string _dir = Fixture.TempDir();
    private readonly string _data;
    private readonly string _weights;
    private readonly List<string> _good;

    public ClassifyCommandTests()
    {
        _data = Path.Combine(_dir, "data");
        Directory.CreateDirectory(Path.Combine(_data, "b", "nested"));
        Directory.CreateDirectory(Path.Combine(_data, "a"));
        var photo = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));
        _good = new List<string>
        {
            Path.Combine(_data, "a", "cat.png"),
            Path.Combine(_data, "b", "nested", "cat-crop.jpg"),
            Path.Combine(_data, "b", "z.png"),
        };
        TestImages.WritePng(_good[0], photo);
        TestImages.WriteJpeg(_good[1], Preprocessing.CropRegion(photo, 100, 50, 200, 160));
        TestImages.WritePng(_good[2], Preprocessing.CropRegion(photo, 0, 0, 120, 90));
        File.WriteAllText(Path.Combine(_data, "a", "notes.png"), "this is text, not a picture");
        File.WriteAllBytes(Path.Combine(_data, "b", "empty.jpg"), Array.Empty<byte>());
        File.WriteAllText(Path.Combine(_data, "readme.txt"), "ignored: not an image extension");
        _good.Sort(StringComparer.Ordinal);
        _weights = Path.Combine(_dir, "bagnet9.safetensors");
        using var model = Architectures.Create("bagnet9");
        ModelWeights.Save(model, _weights);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FolderIsClassifiedInOrderBadFilesAreSkippedAndLogitsAreWritten()
    {
        var npy = Path.Combine(_dir, "out", "logits.npy");
        var r = CliRunner.Run("classify", "--arch", "bagnet9", "--weights", _weights, "--resize", "64", "--crop", "56",
            "--top", "3", "--batch", "2", "--logits-out", npy, _data);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(1, r.ExitCode); // some inputs failed, the rest were classified
        Assert.Contains($"skipped {Path.Combine(_data, "a", "notes.png")}: not an image", r.Stderr);
        Assert.Contains($"skipped {Path.Combine(_data, "b", "empty.jpg")}: empty file", r.Stderr);
        Assert.Contains("classified 3 images, skipped 2", r.Stderr);
        var printed = r.Stdout.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(' ')).ToList();
        Assert.Equal(_good, printed);
        Assert.Equal(3 * 3, r.Stdout.Split('\n').Count(l => l.StartsWith("   ")));

        // The logits are the library's, row for row.
        using var logits = Npy.Load(npy);
        Assert.Equal(new long[] { 3, 1000 }, logits.shape);
        using var model = Architectures.Create("bagnet9");
        ModelWeights.Load(model, _weights);
        // Same batch size as the command: convolution kernels may round differently for other batch sizes.
        var expected = new Classifier(model, new Preprocessing(64, 56), batchSize: 2).Classify(_good).ToList();
        for (int i = 0; i < 3; i++)
            Assert.Equal(expected[i].Logits, logits[i].data<float>().ToArray());
    }

    [Fact]
    public void JsonLinesNameTheClasses()
    {
        var r = CliRunner.Run("classify", "--arch", "bagnet9", "--weights", _weights, "--resize", "64", "--crop", "56", "--json", _good[0], _good[2]);
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal(_good[0], doc.RootElement.GetProperty("path").GetString());
        var top = doc.RootElement.GetProperty("top");
        Assert.Equal(5, top.GetArrayLength());
        int index = top[0].GetProperty("index").GetInt32();
        Assert.Equal(ImageNetClasses.Names[index], top[0].GetProperty("name").GetString());
        Assert.Equal(ImageNetClasses.Wnids[index], top[0].GetProperty("wnid").GetString());
        Assert.InRange(top[0].GetProperty("probability").GetDouble(), top[1].GetProperty("probability").GetDouble(), 1.0);
    }

    [Fact]
    public void UserErrorsAreOneLineWithExitCodeTwo()
    {
        var wrongWeights = CliRunner.Run("classify", "--arch", "bagnet33", "--weights", _weights, _good[0]);
        Assert.Equal(2, wrongWeights.ExitCode);
        Assert.Matches(@"^texturebias: .*bagnet9\.safetensors: does not fit bagnet33 \(the file looks like bagnet9\): wrong shape for 2 keys: layer3\.0\.conv2\.weight", wrongWeights.Stderr);
        CliRunner.AssertNoStackTrace(wrongWeights);

        var notWeights = CliRunner.Run("classify", "--arch", "bagnet9", "--weights", _good[0], _good[0]);
        Assert.Equal(2, notWeights.ExitCode);
        Assert.Contains("not a PyTorch or safetensors weight file", notWeights.Stderr);

        var badArch = CliRunner.Run("classify", "--arch", "bagnet5", _good[0]);
        Assert.Equal(2, badArch.ExitCode);
        Assert.Contains("unknown architecture 'bagnet5'", badArch.Stderr);

        var missing = CliRunner.Run("classify", "--arch", "bagnet9", Path.Combine(_dir, "nowhere"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such file or folder", missing.Stderr);
        foreach (var r in new[] { notWeights, badArch, missing })
        {
            CliRunner.AssertNoStackTrace(r);
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.Contains("warning"));
        }
    }

    [Fact]
    public void BenchForwardPrintsOneJsonLine()
    {
        var r = CliRunner.Run("bench", "forward", "--arch", "resnet18", "--batch", "2", "--size", "64", "--runs", "1");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout.Trim());
        var o = doc.RootElement;
        Assert.Equal("resnet18", o.GetProperty("arch").GetString());
        Assert.Equal(2, o.GetProperty("batch").GetInt32());
        Assert.Equal(64, o.GetProperty("size").GetInt32());
        Assert.True(o.GetProperty("threads").GetInt32() >= 1);
        Assert.True(o.GetProperty("images_per_s").GetDouble() > 0);
        using var model = Architectures.Create("resnet18");
        Assert.Equal(model.MultiplyAccumulates(64, 64) / 1e9, o.GetProperty("gmacs_per_image").GetDouble(), 6);
    }

    [Fact]
    public void HelpListsTheCommands()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("classify", r.Stdout);
        Assert.Contains("bench", r.Stdout);
    }
}
