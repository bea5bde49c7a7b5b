using TextureBias.Data;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

public class OnnxClassifierTests : TempDirTest
{
    [Fact]
    public void OnnxModelGivesPyTorchsLogits()
    {
        using var scope = NewDisposeScope();
        using var model = OnnxClassifier.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", "tiny.onnx"));
        Assert.Equal(1000, model.NumClasses);
        var logits = model.forward(FormulaWeights.ImageBatch(2, 32, 32));
        var expected = Npy.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", "tiny-logits.npy"));
        Assert.Equal(expected.shape, logits.shape);
        Assert.True((logits - expected).abs().max().item<float>() < 1e-4);

        var notOnnx = Path.Combine(_dir, "x.onnx");
        File.WriteAllText(notOnnx, "not a model");
        Assert.Contains("not a readable ONNX model", Assert.Throws<TextureBiasException>(() => OnnxClassifier.Load(notOnnx)).Message);
    }
}
