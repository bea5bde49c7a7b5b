using TextureBias.Data;
using TextureBias.Distortions;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Evaluation;

/// <summary>
/// The evaluations keep their tensors on the network's device (README "GPUs"; the pattern of
/// <see cref="Models.MetaDeviceTests"/>): each runs on the CPU, given as its device, while meta is
/// LibTorch's default device, so a tensor made without naming a device (a batch, a
/// normalisation constant, an index) lands on meta and the first operation mixing it with the
/// network's CPU tensors fails, as it would against CUDA tensors. Each gives what it gives
/// without a device.
/// </summary>
[Collection(nameof(DefaultDeviceCollection))]
public class EvaluationDeviceTests : TempDirTest
{
    private static readonly Preprocessing Shown = new(0, 0);

    /// <summary>A tiny random-weight 1000-class BagNet-9 (one block per stage).</summary>
    private static ImageClassifier Tiny(int seed)
    {
        manual_seed(seed);
        var model = Architectures.Create("bagnet9", 1000, 4, new[] { 1, 1, 1, 1 });
        model.eval();
        return model;
    }

    private static T OnMeta<T>(Func<T> run)
    {
        using (new DefaultDeviceMeta()) return run();
    }

    [Fact]
    public void Shape_bias_and_16_class_accuracy_run_on_the_device_given()
    {
        var cues = Path.Combine(_dir, "cues");
        TestImages.RandomFolder(cues, new[] { "cat", "dog" }, 2, 24, seed: 5, (c, i) => $"{c}{i + 1}-{(c == "cat" ? "dog" : "cat")}{i + 1}.png");
        using var model = Tiny(3);
        var trials = OnMeta(() => ShapeBias.Run(model, cues, Shown, batchSize: 3, device: Devices.Cpu));
        Assert.Equal(4, trials.Count);
        Assert.Equal(ShapeBias.Run(model, cues, Shown, batchSize: 3), trials);

        var accuracy = OnMeta(() => SixteenClassAccuracy.Run(model, cues, Shown, batchSize: 3, device: Devices.Cpu));
        var plain = SixteenClassAccuracy.Run(model, cues, Shown, batchSize: 3);
        Assert.Equal(4, accuracy.Images);
        Assert.Equal(plain.Accuracy, accuracy.Accuracy);
        Assert.Equal(plain.Confusion, accuracy.Confusion);
    }

    [Fact]
    public void Scrambled_images_and_logit_correlations_run_on_the_device_given()
    {
        var root = TestImages.RandomFolder(Path.Combine(_dir, "data"), new[] { "n01440764", "n02123045" }, 2, 24, seed: 8);
        var folder = ImageFolder.Open(new[] { root });
        using var a = Tiny(4);
        using var b = Tiny(5);
        var scrambled = OnMeta(() => Scrambling.Evaluate(a, folder, Shown, 2, seed: 1, batchSize: 3, device: Devices.Cpu));
        var plainScrambled = Scrambling.Evaluate(a, folder, Shown, 2, seed: 1, batchSize: 3);
        Assert.Equal(4, scrambled.Images);
        Assert.Equal(plainScrambled.Top1, scrambled.Top1);
        Assert.Equal(plainScrambled.Top5, scrambled.Top5);

        var files = folder.Samples.Select(s => s.Path).ToList();
        var compared = OnMeta(() => LogitCorrelation.Compare(a, b, files, Shown, batchSize: 3, folder: folder, device: Devices.Cpu));
        var plain = LogitCorrelation.Compare(a, b, files, Shown, batchSize: 3, folder: folder);
        Assert.Equal(4, compared.Images);
        Assert.Equal(plain.PerImage, compared.PerImage);
        Assert.NotNull(compared.PerClass);
        Assert.Equal(plain.PerClass!.Top1A, compared.PerClass!.Top1A);
    }

    [Fact]
    public void Texturised_images_are_made_and_classified_on_the_device_given()
    {
        var root = TestImages.RandomFolder(Path.Combine(_dir, "textured"), new[] { "n01440764", "n02123045" }, 1, 40, seed: 9);
        var folder = ImageFolder.Open(new[] { root });
        using var model = Tiny(6);
        using var encoder = TextureBias.Tests.Style.ScaledVgg.Create();
        var pre = new Preprocessing(36, 32);
        var options = new TextureBias.Style.TextureSynthesisOptions { Iterations = 2, Layers = new[] { "relu1_1", "relu2_1" } };
        var onMeta = OnMeta(() => TexturisedImages.Evaluate(model, folder, pre, encoder, "w", options, Path.Combine(_dir, "cache-meta"), device: Devices.Cpu));
        var plain = TexturisedImages.Evaluate(model, folder, pre, encoder, "w", options, Path.Combine(_dir, "cache-plain"));
        Assert.Equal(2, onMeta.Images);
        Assert.Equal(plain.Top1, onMeta.Top1);
        var made = Directory.GetFiles(Path.Combine(_dir, "cache-meta"), "*.png", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList();
        var reference = Directory.GetFiles(Path.Combine(_dir, "cache-plain"), "*.png", SearchOption.AllDirectories).Order().Select(File.ReadAllBytes).ToList();
        Assert.Equal(2, made.Count);
        Assert.Equal(reference, made); // the same textures, bit for bit
    }

    [Fact]
    public void Robustness_scores_several_models_on_the_device_given_and_ONNX_models_stay_on_the_CPU()
    {
        var root = TestImages.RandomFolder(Path.Combine(_dir, "sixteen"), new[] { "cat", "truck" }, 2, 32, seed: 6, (c, i) => $"{c}{i}.png");
        using var a = Tiny(6);
        using var b = Tiny(7);
        using var onnx = OnnxClassifier.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", "tiny.onnx"));
        var models = new[] { new RobustnessModel("a", a, Shown), new RobustnessModel("b", b, Preprocessing.ImageNetEval), new RobustnessModel("tiny", onnx, Shown) };
        var d = DistortionRegistry.Get("uniform-noise");
        var levels = new[] { d.ParseLevel("0.0"), d.ParseLevel("0.3") };
        var options = new RobustnessOptions { Seed = 2, BatchSize = 3 };
        var cells = OnMeta(() => Robustness.Evaluate(models, root, Shown, d, levels, options with { Device = Devices.Cpu }));
        var plain = Robustness.Evaluate(models, root, Shown, d, levels, options);
        Assert.Equal(2, cells.Count);
        for (int i = 0; i < cells.Count; i++)
        {
            Assert.Equal(3, cells[i].Points.Count);
            Assert.Equal(plain[i].Points, cells[i].Points);
            Assert.Equal(plain[i].Trials, cells[i].Trials);
        }
        Assert.All(cells.SelectMany(c => c.Points), p => Assert.Equal(4, p.Images));

        // On a device the CPU cannot read back from, an ONNX model still runs: its batches stay on the CPU.
        var onnxOnly = Robustness.Evaluate(new[] { models[2] }, root, Shown, d, levels, options with { Device = Devices.Meta });
        Assert.Equal(plain.Select(c => c.Points[2]), onnxOnly.Select(c => Assert.Single(c.Points)));
    }
}
