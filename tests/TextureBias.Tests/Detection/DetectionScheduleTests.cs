using TextureBias.Detection;
using TextureBias.Detection.Training;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Detection;

/// <summary>The pieces of torchvision's detection recipe that need no network: learning rates, aspect-ratio batches, flips.</summary>
public class DetectionScheduleTests : TempDirTest
{
    /// <summary>
    /// PyTorch's chainable schedulers step by step, as torchvision's train.py / engine.py drive them: MultiStepLR made
    /// first (stepped once per epoch), LinearLR made at the start of epoch 0 and stepped after every iteration.
    /// </summary>
    private static List<double[]> PyTorchLearningRates(double baseLr, double factor, int warmupIterations, int[] milestones, double gamma, int epochs, int steps)
    {
        double lr = baseLr; // MultiStepLR's initial step: last_epoch 0 is no milestone here
        var result = new List<double[]>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var rates = new double[steps];
            int total = Math.Min(warmupIterations, steps - 1);
            if (epoch == 0) lr *= factor; // LinearLR's initial step
            for (int i = 0; i < steps; i++)
            {
                rates[i] = lr;
                if (epoch == 0)
                {
                    int last = i + 1;
                    if (last <= total) lr *= 1 + (1 - factor) / (total * factor + (last - 1) * (1 - factor));
                }
            }
            result.Add(rates);
            int next = epoch + 1;
            if (milestones.Contains(next)) lr *= Math.Pow(gamma, milestones.Count(m => m == next));
        }
        return result;
    }

    [Theory]
    [InlineData(7, 1000)] // warm-up over the whole first epoch (steps − 1 iterations)
    [InlineData(9, 3)] // warm-up shorter than the epoch
    public void Learning_rates_follow_torchvisions_warm_up_and_steps(int steps, int warmup)
    {
        var options = new DetectionTrainingOptions { Batch = 4, LearningRateSteps = new[] { 2, 4 }, WarmupIterations = warmup, Epochs = 6 };
        Assert.Equal(0.02 * 4 / 16, options.BaseLearningRate, 15);
        var expected = PyTorchLearningRates(0.005, 0.001, warmup, new[] { 2, 4 }, 0.1, 6, steps);
        for (int e = 0; e < 6; e++)
            for (int i = 0; i < steps; i++)
                Assert.True(Math.Abs(options.LearningRateAt(e, i, steps) - expected[e][i]) <= 1e-12 * expected[e][i],
                    $"epoch {e} step {i}: {options.LearningRateAt(e, i, steps)} vs PyTorch's {expected[e][i]}");
        Assert.Equal(0.005 * 0.001, options.LearningRateAt(0, 0, steps), 15);
        Assert.Equal(0.005 * 0.01, options.LearningRateAt(5, 0, steps), 15);
    }

    [Fact]
    public void An_explicit_learning_rate_is_not_scaled()
    {
        var options = new DetectionTrainingOptions { Batch = 8, LearningRate = 0.1, WarmupIterations = 0 };
        Assert.Equal(0.1, options.LearningRateAt(0, 0, 50));
        Assert.Equal(0.1 * 0.1, options.LearningRateAt(16, 0, 50), 15);
        Assert.Equal(0.1 * 0.01, options.LearningRateAt(25, 3, 50), 15);
    }

    [Fact]
    public void Aspect_ratio_groups_and_batches_are_torchvisions()
    {
        // Expected values from torchvision's group_by_aspect_ratio.py run by hand in PyTorch.
        var bins = AspectRatioGrouping.Bins(3);
        var pythonBins = new[] { 0.5, 0.6299605249474365, 0.7937005259840997, 1.0, 1.259921049894873, 1.5874010519681991, 2.0 };
        Assert.Equal(pythonBins.Length, bins.Count);
        for (int i = 0; i < bins.Count; i++) Assert.Equal(pythonBins[i], bins[i], 12);
        var ratios = new[] { 0.75, 1.333, 0.5, 1.0, 0.75, 2.5, 0.3, 0.75, 1.333, 1.0, 0.66, 0.75, 1.5 };
        var groups = AspectRatioGrouping.Groups(ratios, 3);
        Assert.Equal(new[] { 2, 5, 1, 4, 2, 7, 0, 2, 5, 4, 2, 2, 5 }, groups);
        var order = new[] { 12, 3, 7, 0, 9, 5, 1, 11, 2, 8, 4, 10, 6 };
        Assert.Equal(new[] { new[] { 7, 0, 11 }, new[] { 12, 1, 8 }, new[] { 3, 9, 3 }, new[] { 4, 10, 7 } }, AspectRatioGrouping.Batches(order, groups, 3));
        Assert.Equal(new[] { new[] { 7, 0 }, new[] { 3, 9 }, new[] { 12, 1 }, new[] { 11, 4 }, new[] { 5, 5 }, new[] { 8, 12 } }, AspectRatioGrouping.Batches(order, groups, 2));
        // Every batch lies in one group, and there are ⌊n / batch⌋ of them.
        foreach (var batch in AspectRatioGrouping.Batches(order, groups, 4)) Assert.Single(batch.Select(i => groups[i]).Distinct());
        Assert.Equal(3, AspectRatioGrouping.Batches(order, groups, 4).Count);
    }

    [Fact]
    public void A_flip_mirrors_the_pixels_and_the_boxes_and_difficult_objects_do_not_train()
    {
        int w = 9, h = 5;
        var image = new RgbImage(w, h);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)(i * 37 % 251);
        string path = Path.Combine(_dir, "a.png");
        TestImages.WritePng(path, image);
        var objects = new[]
        {
            new DetectionObject(1, 1, 0, 4, 3, false),
            new DetectionObject(2, 0, 0, 9, 5, true), // difficult: left out
            new DetectionObject(3, 6, 1, 12, 7, false), // clamped to the image
        };
        var sample = new DetectionSample("a", path, w, h, objects);
        var plain = TrainingImage.Prepare(sample, flip: false);
        var flipped = TrainingImage.Prepare(sample, flip: true);
        Assert.Null(plain.Error);
        Assert.Equal(new long[] { 1, 3 }, plain.Labels);
        Assert.Equal(new float[] { 1, 0, 4, 3, 6, 1, 9, 5 }, plain.Boxes);
        Assert.Equal(new long[] { 1, 3 }, flipped.Labels);
        Assert.Equal(new float[] { 9 - 4, 0, 9 - 1, 3, 9 - 9, 1, 9 - 6, 5 }, flipped.Boxes);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float original = image[x, y, c] / 255f;
                    Assert.Equal(original, plain.Chw![c * w * h + y * w + x]);
                    Assert.Equal(original, flipped.Chw![c * w * h + y * w + (w - 1 - x)]);
                }
    }

    [Fact]
    public void An_unreadable_image_is_a_reason_not_an_exception()
    {
        string path = Write("bad.jpg", new byte[] { 1, 2, 3 });
        var prepared = TrainingImage.Prepare(new DetectionSample("bad", path, 10, 10, new[] { new DetectionObject(1, 0, 0, 5, 5, false) }), flip: false);
        Assert.NotNull(prepared.Error);
        Assert.Null(prepared.Chw);
    }
}
