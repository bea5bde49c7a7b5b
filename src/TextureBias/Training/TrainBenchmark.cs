using System.Diagnostics;
using SkiaSharp;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Training;

/// <summary>Measures training speed on in-memory tensors and end to end through the loader.</summary>
public static class TrainBenchmark
{
    /// <summary>
    /// Runs both measurements (10 classes): the median of <paramref name="steps"/> in-memory steps
    /// after <paramref name="warmup"/> untimed ones, and the second of two epochs of
    /// <paramref name="steps"/> steps over a generated folder; on <paramref name="device"/> (the
    /// CPU when null) in <paramref name="precision"/>, as <see cref="Trainer"/> trains. Three
    /// warm-up steps, because a process's first training steps run far slower than its steady
    /// state (ResNet-50, batch 16, 2 cores: 2.9 images/s after one warm-up step, 5.4 after three).
    /// </summary>
    public static TrainBenchmarkResult Run(string arch, int batch = 32, int size = 224, int steps = 3, Device? device = null, Precision precision = Precision.Float32,
        int warmup = 3)
    {
        if (batch < 1 || size < 8 || steps < 1 || warmup < 0) throw new TextureBiasException("batch, size and steps must be positive (size at least 8), warm-up steps 0 or more");
        const int classes = 10;
        var on = device ?? Devices.Cpu;
        Devices.TuneFor(on, fixedSize: true);
        double inMemory;
        long forwardMacs;
        using (var model = Architectures.Create(arch, classes))
        {
            if (size < model.MinimumInputSize) throw new TextureBiasException($"{arch} needs images of at least {model.MinimumInputSize} pixels");
            forwardMacs = model.MultiplyAccumulates(size, size);
            Devices.MoveTo(model, on);
            var parameters = model.parameters().ToList();
            var scaler = LossScaler.For(precision);
            using var sgd = new Sgd(parameters, 0.01);
            using var scope = NewDisposeScope();
            model.train();
            // Drawn on the CPU by the same generator as before, then copied to the device.
            var x = Devices.On(randn(batch, 3, size, size, device: Devices.Cpu), on);
            var y = Devices.On(randint(0, classes, new long[] { batch }, device: Devices.Cpu), on);
            var times = new List<double>();
            for (int i = 0; i < warmup + steps; i++)
            {
                using var step = NewDisposeScope();
                var sw = Stopwatch.StartNew();
                sgd.ZeroGrad();
                Tensor loss;
                using (MixedPrecision.Autocast(on, precision))
                    loss = nn.functional.cross_entropy(model.forward(x), y);
                scaler.ScaleLoss(loss).backward();
                scaler.Step(parameters, sgd.Step);
                Evaluation.BenchmarkClock.Synchronize(on); // CUDA runs asynchronously: wait for the step
                if (i >= warmup) times.Add(sw.Elapsed.TotalSeconds);
            }
            times.Sort();
            inMemory = batch / times[times.Count / 2];
        }

        var root = Path.Combine(Path.GetTempPath(), $"texturebias-bench-train-{Guid.NewGuid():N}");
        try
        {
            var rng = new Random(1);
            for (int i = 0; i < batch * steps; i++)
            {
                var px = new byte[size * 5 / 4 * (size * 9 / 8) * 3];
                rng.NextBytes(px);
                ImageEncoder.Save(Path.Combine(root, $"class{i % classes}", $"{i:D5}.jpg"), new RgbImage(size * 5 / 4, size * 9 / 8, px), SKEncodedImageFormat.Jpeg, 90);
            }
            var metrics = Trainer.Run(arch, new[] { root }, null, Path.Combine(root, ".run"), new TrainingOptions
            {
                Epochs = 2, Batch = batch, NumClasses = classes, ImageSize = size, LearningRate = 0.01, Device = on, Precision = precision,
            });
            double endToEnd = metrics[1].ImagesPerS; // the second epoch: warmed up, as the in-memory median is
            // A step's work: the forward pass, and a backward pass of about twice its multiply–accumulates (gradients of the inputs and of the weights).
            double stepMacs = 3.0 * forwardMacs;
            return new TrainBenchmarkResult(arch, batch, size, get_num_threads(), inMemory, endToEnd, endToEnd / inMemory)
            {
                Device = on.ToString(), Amp = MixedPrecision.Name(precision),
                GmacsPerImage = Math.Round(stepMacs / 1e9, 3),
                Gflops = Evaluation.BenchmarkLine.GflopsOf(stepMacs * inMemory, 1),
                EndToEndGflops = Evaluation.BenchmarkLine.GflopsOf(stepMacs * endToEnd, 1),
            };
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
