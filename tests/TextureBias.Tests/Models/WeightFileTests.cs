using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>Reading files written by PyTorch 1.13 (tools/fixtures/make_weight_fixtures.py).</summary>
public class WeightFileTests
{
    [Theory]
    [InlineData("values-legacy.pth", "legacy")]
    [InlineData("values-zip.pth", "zip")]
    public void EveryKindOfTensorReadsBackExactly(string file, string format)
    {
        using var scope = NewDisposeScope();
        using var checkpoint = WeightFile.Read(Fixture.Weights(file));
        Assert.Equal(format, checkpoint.Format);
        var sd = checkpoint.StateDict;
        void Same(Tensor expected, string key)
        {
            Assert.True(sd.ContainsKey(key), key);
            Assert.Equal(expected.dtype, sd[key].dtype);
            Assert.Equal(expected.shape, sd[key].shape);
            Assert.True(expected.eq(sd[key]).all().item<bool>(), key);
        }
        Same(arange(24, ScalarType.Float32).reshape(2, 3, 4).div(4), "f32");
        Same(arange(6, ScalarType.Float64).mul(1.5), "f64");
        Same(arange(-3, 3, dtype: ScalarType.Int64), "i64");
        Same(tensor(new float[] { 0.5f, -2f, 1024f }).to(ScalarType.Float16), "f16");
        Same(tensor(new[] { true, false, true }), "bool");
        Same(tensor(new byte[] { 0, 7, 255 }), "u8");
        Same(arange(12, ScalarType.Float32).reshape(3, 4).t(), "transposed"); // non-contiguous in the file
        Same(arange(20, ScalarType.Float32), "base");
        Same(arange(5, 15, dtype: ScalarType.Float32).reshape(2, 5), "view"); // shares base's storage at an offset
        Same(tensor(3.25f), "scalar");
        Same(zeros(0, 5), "empty");
        Same(full(2, 2, 0.75f), "param"); // an nn.Parameter
        Assert.False(sd.ContainsKey("nested")); // plain values are not tensors
    }

    private static Tensor ChelseaInput() =>
        new Preprocessing(64, 56).Apply(ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"))).unsqueeze(0);

    [Theory]
    [InlineData("tiny-bagnet33.pth.tar")] // legacy plain state_dict, like the official BagNet files
    [InlineData("tiny-bagnet33-zip.pth")]
    [InlineData("tiny-bagnet33-2018.pth.tar")] // without num_batches_tracked
    [InlineData("tiny-bagnet33-checkpoint.pth.tar")] // pytorch/examples checkpoint, DataParallel "module." keys
    [InlineData("tiny-bagnet33-checkpoint-zip.pth.tar")]
    [InlineData("tiny-bagnet33-checkpoint-cuda.pth.tar")] // saved from the GPU, as the SIN checkpoints
    [InlineData("tiny-bagnet33-module.pth")] // torch.save(model)
    public void OfficialKindsOfFileGiveThePyTorchLogits(string file)
    {
        using var scope = NewDisposeScope();
        using var model = BagNet.BagNet33(10, width: 4);
        ModelWeights.Load(model, Fixture.Weights(file));
        model.eval();
        using var noGrad = no_grad();
        // Decoding, PIL resize, crop, normalisation and the network, against torchvision + PyTorch.
        var logits = model.forward(ChelseaInput());
        var expected = Npy.Load(Fixture.Weights("tiny-bagnet33-chelsea-logits.npy"));
        double error = (logits - expected).abs().max().item<float>();
        Assert.True(error < 1e-4, $"max difference {error:g3}");
    }

    [Fact]
    public void CheckpointMetadataIsKept()
    {
        foreach (var file in new[] { "tiny-bagnet33-checkpoint.pth.tar", "tiny-bagnet33-checkpoint-zip.pth.tar" })
        {
            using var checkpoint = WeightFile.Read(Fixture.Weights(file));
            Assert.Equal(60L, checkpoint.Metadata["epoch"]);
            Assert.Equal("bagnet33", checkpoint.Metadata["arch"]);
            Assert.Equal(55.5, (double)checkpoint.Metadata["best_acc1"]!);
            Assert.Equal(54.25, (double)checkpoint.Metadata["best_prec1"]!); // a numpy float64
            Assert.All(checkpoint.StateDict.Keys, k => Assert.DoesNotContain("module", k));
        }
    }

    [Theory]
    [InlineData("round-trip.pth", false)]
    [InlineData("round-trip.safetensors", false)]
    [InlineData("round-trip-legacy.pth.tar", true)]
    public void SavedWeightsLoadBackExactly(string name, bool legacy)
    {
        using var scope = NewDisposeScope();
        var dir = Fixture.TempDir();
        var path = Path.Combine(dir, name);
        using var a = BagNet.BagNet17(5, width: 4);
        ModelWeights.Save(a, path, legacy);
        if (legacy)
        {
            using var check = WeightFile.Read(path);
            Assert.Equal("legacy", check.Format);
        }
        using var b = BagNet.BagNet17(5, width: 4); // different random weights
        ModelWeights.Load(b, path);
        var sa = a.state_dict();
        foreach (var (k, v) in b.state_dict()) Assert.True(v.eq(sa[k]).all().item<bool>(), k);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp")); // atomic write leaves nothing behind
        Directory.Delete(dir, recursive: true);
    }
}
