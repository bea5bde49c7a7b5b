using System.Text.Json;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Style;
using TextureBias.Tests.Models;
using TextureBias.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Style;

/// <summary>
/// The style commands' device plumbing, proven without a GPU as <see cref="MetaDeviceTests"/>
/// does: AdaIN stylisation (one image and a dataset job, with its style cache), decoder training
/// steps (float32, and fp16 with loss scaling), texture synthesis and iterative style-transfer steps run
/// on the CPU while LibTorch's default device is meta, so that any tensor the code makes without
/// naming a device lands on meta and the first operation mixing it with the networks' CPU
/// tensors fails, as it would against CUDA tensors. Each gives what it gives with the CPU as the
/// default device, bit for bit. What the meta device can run from .NET (Gram matrices, Adam's
/// step) runs there.
/// </summary>
[Collection(nameof(DefaultDeviceCollection))]
public class StyleMetaDeviceTests : TempDirTest
{
    private static RgbImage Noise(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 3];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    [Fact]
    public void AdaIN_stylization_of_an_image_and_of_a_dataset_keeps_its_tensors_on_the_networks_device()
    {
        using var transfer = FormulaWeights.StyleTransfer();
        var content = Noise(26, 20, 1);
        var styles = new[] { Noise(18, 22, 2), Noise(20, 20, 3) };
        var options = new StyleOptions { ContentSize = 0, StyleSize = 0, Alpha = 0.7, StyleWeights = new[] { 1.0, 3.0 }, PreserveColor = true };
        var expected = transfer.Stylize(content, styles, options);

        var contentDir = Path.Combine(_dir, "content");
        var styleDir = Path.Combine(_dir, "styles");
        for (int i = 0; i < 3; i++) TestImages.WritePng(Path.Combine(contentDir, "a", $"c{i}.png"), Noise(24 + i, 20, 10 + i));
        for (int i = 0; i < 2; i++) TestImages.WritePng(Path.Combine(styleDir, $"s{i}.png"), Noise(20, 18 + i, 20 + i));
        var job = new DatasetStylizeOptions { Recipe = StyleRecipe.StylizeDatasets, ContentSize = 16, StyleSize = 16, Format = "png", Batch = 2, Workers = 1, NumStyles = 2 };
        DatasetStylizer.Run(transfer, contentDir, styleDir, Path.Combine(_dir, "cpu"), job);

        var onCpu = new StyleTransfer(transfer.Encoder, transfer.Decoder, Devices.Cpu); // the same networks (disposed with transfer)
        using (new DefaultDeviceMeta())
        {
            var result = onCpu.Stylize(content, styles, options);
            Assert.Equal(expected.Pixels, result.Pixels);
            // Twice with one cache: the style statistics computed, then read from the cache.
            var cache = Path.Combine(_dir, "cache");
            DatasetStylizer.Run(onCpu, contentDir, styleDir, Path.Combine(_dir, "meta1"), job with { StyleCache = cache });
            DatasetStylizer.Run(onCpu, contentDir, styleDir, Path.Combine(_dir, "meta2"), job with { StyleCache = cache });
        }
        var written = Directory.GetFiles(Path.Combine(_dir, "cpu"), "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Path.Combine(_dir, "cpu"), f)).Order().ToList();
        Assert.Equal(6, written.Count);
        foreach (var run in new[] { "meta1", "meta2" })
            foreach (var file in written)
                Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "cpu", file)), File.ReadAllBytes(Path.Combine(_dir, run, file)));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_dir, "cache")).Length);
    }

    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float16)]
    public void A_decoder_training_step_keeps_its_tensors_on_the_networks_device(Precision precision)
    {
        using var encoder = new VggEncoder();
        FormulaWeights.Fill(encoder);
        var options = new DecoderTrainingOptions { Precision = precision };
        var generator = new Generator(7);
        using var content = rand(new long[] { 1, 3, 12, 12 }, device: Devices.Cpu, generator: generator);
        using var style = rand(new long[] { 1, 3, 12, 12 }, device: Devices.Cpu, generator: generator);
        using var expected = new AdaInDecoder();
        using var decoder = new AdaInDecoder();
        foreach (var (k, v) in expected.state_dict()) using (no_grad()) decoder.state_dict()[k].copy_(v);
        expected.train();
        decoder.train();
        using var expectedAdam = new Adam(expected.parameters(), 1e-3);
        using var adam = new Adam(decoder.parameters(), 1e-3);
        var expectedScaler = LossScaler.For(precision);
        var scaler = LossScaler.For(precision);
        var expectedLosses = Enumerable.Range(0, 2).Select(_ => DecoderTrainer.Step(encoder, expected, expectedAdam, expectedScaler, content, style, options)).ToList();
        List<(double, double)> losses;
        using (new DefaultDeviceMeta())
            losses = Enumerable.Range(0, 2).Select(_ => DecoderTrainer.Step(encoder, decoder, adam, scaler, content, style, options)).ToList(); // the second step uses Adam's moments
        Assert.Equal(expectedLosses, losses);
        var sd = decoder.state_dict();
        foreach (var (k, v) in expected.state_dict()) Assert.True(v.eq(sd[k]).all().item<bool>(), k);
        Assert.All(decoder.parameters(), p => Assert.Equal(DeviceType.CPU, p.device_type));
        Assert.Equal(expectedScaler.Scale, scaler.Scale);
    }

    /// <summary>fp16 on the CPU: autocast runs the forward passes and the loss scaler guards Adam's steps; the scale is checkpointed (float32 has none).</summary>
    [Fact]
    public void Fp16_decoder_training_takes_steps_with_the_loss_scaler()
    {
        var (content, style) = TrainingData();
        using var encoder = new VggEncoder();
        FormulaWeights.Fill(encoder);
        var init = Path.Combine(_dir, "init.safetensors");
        using (var start = new AdaInDecoder()) ModelWeights.Save(start, init);
        var options = new DecoderTrainingOptions
        {
            MaxIterations = 3, Batch = 1, ResizeTo = 16, Crop = 12, CheckpointInterval = 3, LogInterval = 1, LearningRate = 1e-3, InitialDecoder = init,
            Precision = Precision.Float16,
        };
        var dir = Path.Combine(_dir, "fp16");
        Assert.Equal(3, DecoderTrainer.Train(encoder, content, style, dir, options, device: Devices.Cpu));

        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "state.json")));
        double scale = state.RootElement.GetProperty("loss_scale").GetDouble();
        int good = state.RootElement.GetProperty("good_steps").GetInt32();
        Assert.Equal("Float16", state.RootElement.GetProperty("options").GetProperty("Precision").GetString());
        Assert.True(good >= 1, $"a step was taken ({good} good steps, scale {scale})");
        Assert.True(scale <= 65536 && scale >= 1, $"scale {scale}");
        using var before = new AdaInDecoder();
        using var after = new AdaInDecoder();
        ModelWeights.Load(before, init);
        ModelWeights.Load(after, Path.Combine(dir, "decoder_iter_3.pth.tar"));
        var moved = before.state_dict().Count(kv => !kv.Value.eq(after.state_dict()[kv.Key]).all().item<bool>());
        Assert.Equal(before.state_dict().Count, moved); // Adam moves every weight and bias
        var losses = File.ReadAllLines(Path.Combine(dir, "losses.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"loss {l}"));

        var fp32 = Path.Combine(_dir, "fp32");
        DecoderTrainer.Train(encoder, content, style, fp32, options with { MaxIterations = 1, Precision = Precision.Float32 });
        using var plain = JsonDocument.Parse(File.ReadAllText(Path.Combine(fp32, "state.json")));
        Assert.False(plain.RootElement.TryGetProperty("loss_scale", out _), "float32 training has no loss scale");
        Assert.Equal("Float32", plain.RootElement.GetProperty("options").GetProperty("Precision").GetString());
    }

    [Fact]
    public void Texture_synthesis_and_iterative_style_transfer_steps_keep_their_tensors_on_the_encoders_device()
    {
        using var encoder = ScaledVgg.Create();
        var source = Noise(22, 19, 5);
        // Shallow layers and small images: the plumbing is the same at every depth (an L-BFGS step runs up to 25 evaluations).
        var texture = new TextureSynthesisOptions { Size = 12, Iterations = 3, Seed = 4, Layers = new[] { "relu1_1", "relu2_1" } };
        var fromNoise = new IterativeStyleOptions { Size = 12, Iterations = 3, StartFromContent = false, Seed = 2, ContentLayer = "relu2_1", StyleLayers = new[] { "relu1_1", "relu2_1" } };
        var fromContent = fromNoise with { StartFromContent = true, StyleLayers = new[] { "relu1_1" } };
        var expectedTexture = TextureSynthesis.Synthesize(encoder, source, texture);
        var expectedNoise = IterativeStyleTransfer.Transfer(encoder, source, Noise(20, 20, 6), fromNoise);
        var expectedContent = IterativeStyleTransfer.Transfer(encoder, source, Noise(20, 20, 6), fromContent);
        using (new DefaultDeviceMeta())
        {
            Assert.Equal(expectedTexture.Pixels, TextureSynthesis.Synthesize(encoder, source, texture, device: Devices.Cpu).Pixels);
            Assert.Equal(expectedNoise.Pixels, IterativeStyleTransfer.Transfer(encoder, source, Noise(20, 20, 6), fromNoise, device: Devices.Cpu).Pixels);
            Assert.Equal(expectedContent.Pixels, IterativeStyleTransfer.Transfer(encoder, source, Noise(20, 20, 6), fromContent, device: Devices.Cpu).Pixels);
        }
        Assert.All(encoder.parameters(), p => Assert.Equal(DeviceType.CPU, p.device_type));
    }

    [Fact]
    public void Gram_matrices_and_Adam_run_on_the_meta_device()
    {
        // (AdaIN's statistics cannot: LibTorch's C++ has no meta kernel for var.)
        using var scope = NewDisposeScope();
        var meta = Devices.Meta;
        var content = empty(new long[] { 2, 8, 5, 7 }, device: meta);
        var gram = GramMatrix.Of(content);
        Assert.Equal(DeviceType.META, gram.device_type);
        Assert.Equal(new long[] { 2, 8, 8 }, gram.shape);

        // LibTorch's C++ has no meta convolution: a linear layer over the channels stands in for the decoder.
        using var layer = nn.Linear(8, 8);
        Devices.MoveTo(layer, meta);
        using var adam = new Adam(layer.parameters(), 1e-3);
        for (int step = 0; step < 2; step++) // the second step uses the moment estimates
        {
            adam.ZeroGrad();
            var features = layer.forward(content.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
            var gramOfFeatures = GramMatrix.Of(features);
            var loss = gramOfFeatures.mul(gramOfFeatures).mean(); // (mse_loss has no meta backward in LibTorch's C++)
            loss.backward();
            adam.Step();
        }
        Assert.All(layer.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
    }

    private (string Content, string Style) TrainingData()
    {
        var content = Path.Combine(_dir, "train-content");
        var style = Path.Combine(_dir, "train-style");
        for (int i = 0; i < 3; i++)
        {
            TestImages.WritePng(Path.Combine(content, $"c{i}.png"), Noise(30, 24, 40 + i));
            TestImages.WritePng(Path.Combine(style, $"s{i}.png"), Noise(24, 24, 50 + i));
        }
        return (content, style);
    }
}
