using Xunit;
using TextureBias.Detection;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Training;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>
/// TorchSharp frees implicitly created Scalars from the finalizer thread, possibly while a native
/// call still uses them; with garbage collections forced by another thread, code that relies on
/// them fails within moments ("alpha must not be a floating point number", "Unknown scalar type").
/// </summary>
public class ScalarSafetyTests
{
    [Fact]
    public void TrainingStepsSurviveGarbageCollectionsOnAnotherThread()
    {
        using var model = ResNet.ResNet18(4, width: 4);
        using var bag = BagNet.BagNet9(4, width: 4);
        model.train();
        bag.train();
        using var sgd = new Sgd(model.parameters().Concat(bag.parameters()), 0.01, 0.9, 1e-4);
        var image = new RgbImage(16, 16, Enumerable.Range(0, 16 * 16 * 3).Select(i => (byte)(i * 7)).ToArray());
        UnderGarbageCollectionChurn(() =>
        {
            for (int step = 0; step < 60; step++)
            {
                using var scope = NewDisposeScope();
                var x = stack(new[] { image.ToTensor(), image.ToTensor() });
                var y = tensor(new long[] { 1, 2 });
                sgd.ZeroGrad();
                var loss = stack(new[] { nn.functional.cross_entropy(model.forward(x), y), nn.functional.cross_entropy(bag.forward(x), y) }).mean();
                loss.backward();
                sgd.Step();
                RgbImage.FromTensor(x[0]);
            }
        });
        Assert.Equal(60, ((TorchSharp.Modules.BatchNorm2d)model.named_modules().First(m => m.module is TorchSharp.Modules.BatchNorm2d).module).num_batches_tracked!.item<long>());
    }

    /// <summary>
    /// The object detector's training (FasterRcnn.Losses, backward, an SGD step) and its inference (Detect) under the
    /// same churn: its frozen batch norms, residual and FPN additions, anchor offsets and RoIAlign grids once passed
    /// collectable Scalars (a random "Expected false to be true" during the detection demo's training).
    /// </summary>
    [Fact]
    public void DetectorTrainingAndDetectionSurviveGarbageCollectionsOnAnotherThread()
    {
        var options = FasterRcnnOptions.Torchvision with
        {
            Backbone = "resnet18", BackboneWidth = 8, FpnChannels = 16, NumClasses = 3, RepresentationSize = 32,
            MinSize = 64, MaxSize = 96, AnchorSizes = new[] { 8, 16, 32, 64, 128 }, RpnBatchSizePerImage = 32, BoxBatchSizePerImage = 32,
            TrainableBackboneLayers = 2,
        };
        using var model = new FasterRcnn(options);
        using var sgd = new Sgd(model.parameters().Where(p => p.requires_grad), 0.01, 0.9, 1e-4);
        using var pictures = new Generator(5);
        var images = new[] { rand(new long[] { 3, 60, 80 }, generator: pictures), rand(new long[] { 3, 80, 64 }, generator: pictures) };
        var targets = new[]
        {
            new DetectionTarget(tensor(new[] { 5f, 5f, 40f, 50f, 30f, 10f, 75f, 40f }).view(2, 4), tensor(new long[] { 1, 2 })),
            new DetectionTarget(tensor(new[] { 10f, 20f, 50f, 70f }).view(1, 4), tensor(new long[] { 2 })),
        };
        var fc7 = model.named_parameters().First(p => p.name.EndsWith("box_head.fc7.weight", StringComparison.Ordinal)).parameter;
        var before = fc7.detach().clone();
        const int Steps = 4;
        int trained = 0, detected = 0;
        UnderGarbageCollectionChurn(() =>
        {
            for (int step = 0; step < Steps; step++)
            {
                using var scope = NewDisposeScope();
                model.train();
                using var sampling = new Generator((ulong)step + 1);
                var losses = model.Losses(images, targets, sampling);
                Assert.Equal(4, losses.Count);
                var total = losses.Values.Aggregate((a, b) => a.Plus(b));
                Assert.True(float.IsFinite(total.item<float>()), $"the loss at step {step} is {total.item<float>()}");
                sgd.ZeroGrad();
                total.backward();
                sgd.Step();
                trained++;

                model.eval();
                var detections = model.Detect(images);
                Assert.Equal(images.Length, detections.Count);
                for (int i = 0; i < detections.Count; i++)
                {
                    var d = detections[i];
                    Assert.Equal(d.Boxes.shape[0], d.Scores.shape[0]);
                    Assert.Equal(d.Boxes.shape[0], d.Labels.shape[0]);
                    if (d.Boxes.shape[0] == 0) continue;
                    Assert.True(d.Boxes.isfinite().all().item<bool>());
                    Assert.True(d.Boxes.min().item<float>() >= 0 && d.Boxes.select(1, 2).max().item<float>() <= images[i].shape[2] + 1e-3);
                    Assert.True(d.Labels.min().item<long>() >= 1 && d.Labels.max().item<long>() < options.NumClasses);
                }
                detected++;
            }
        });
        Assert.Equal(Steps, trained);
        Assert.Equal(Steps, detected);
        Assert.True(fc7.detach().ne(before).any().item<bool>(), "the SGD steps left the box head unchanged");
    }

    /// <summary>Runs <paramref name="work"/> while another thread forces a young-generation collection about every millisecond.</summary>
    private static void UnderGarbageCollectionChurn(Action work)
    {
        bool stop = false;
        var churn = new Thread(() =>
        {
            // A young-generation collection about every millisecond: enough to catch an implicit
            // Scalar freed mid-call within moments, without stalling the rest of a parallel test
            // run (collecting as fast as allocations allow made the whole suite minutes slower).
            while (!Volatile.Read(ref stop))
            {
                for (int i = 0; i < 16; i++) _ = new byte[4 * 1024];
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                Thread.Sleep(1);
            }
        });
        churn.Start();
        try
        {
            work();
        }
        finally
        {
            Volatile.Write(ref stop, true);
            churn.Join();
        }
    }
}
