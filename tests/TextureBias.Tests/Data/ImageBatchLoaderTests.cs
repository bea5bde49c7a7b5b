using TextureBias.Data;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Data;

public class ImageBatchLoaderTests : TempDirTest
{
    private List<string> Images(int count, int width, int height, string prefix = "img")
    {
        var rng = new Random(count * 31 + width);
        var paths = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var px = new byte[width * height * 3];
            rng.NextBytes(px);
            string path = Path.Combine(_dir, $"{prefix}{i:D2}.png");
            TestImages.WritePng(path, new RgbImage(width, height, px));
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>Takes every batch slowly, so that the decoders run ahead as far as they are let.</summary>
    private static List<string> SlowlyTake(ImageBatchLoader loader, IReadOnlyList<string> paths)
    {
        var seen = new List<string>();
        foreach (var batch in loader.Batches(paths))
            using (batch)
            {
                seen.AddRange(batch.Paths);
                Thread.Sleep(40);
            }
        return seen;
    }

    [Fact]
    public void DecodedImagesWaitingNeverExceedTheByteBudget()
    {
        var paths = Images(12, 100, 100);
        const long image = 3L * 100 * 100 * 4; // one decoded image: float32 CHW
        var pre = new Preprocessing(0, 0);

        // Bounded by count alone (8 images here), the queue holds more than two images.
        var byCount = new ImageBatchLoader(pre, batchSize: 1, workers: 4);
        Assert.Equal(paths, SlowlyTake(byCount, paths));
        Assert.True(byCount.PeakQueuedBytes > 2 * image, $"{byCount.PeakQueuedBytes}");

        // A budget of two and a half images: never more than two wait, and all come through in order.
        var bounded = new ImageBatchLoader(pre, batchSize: 1, workers: 4) { QueueBytes = 5 * image / 2 };
        Assert.Equal(paths, SlowlyTake(bounded, paths));
        Assert.InRange(bounded.PeakQueuedBytes, image, 2 * image);

        // An image larger than the whole budget still goes through, alone.
        var tiny = new ImageBatchLoader(pre, batchSize: 3, workers: 4) { QueueBytes = 1000 };
        Assert.Equal(paths, SlowlyTake(tiny, paths));
        Assert.Equal(image, tiny.PeakQueuedBytes);
    }

    [Fact]
    public void ImagesSmallerThanTheNetworkTakesAreSkippedOneByOne()
    {
        var small = Images(2, 8, 30, "small");
        var large = Images(2, 12, 12, "large");
        var paths = new[] { large[0], small[0], large[1], small[1] };
        var loader = new ImageBatchLoader(new Preprocessing(0, 0), batchSize: 4) { MinimumSide = 9, MinimumSideNeededBy = "the test network" };
        var failures = new List<ImageFailure>();
        var taken = new List<string>();
        foreach (var batch in loader.Batches(paths, failures.Add))
            using (batch) taken.AddRange(batch.Paths);
        Assert.Equal(large, taken);
        Assert.Equal(small, failures.Select(f => f.Path));
        Assert.All(failures, f => Assert.Equal("image is 8x30 after preprocessing, smaller than the 9 pixels the test network needs", f.Reason));
    }
}
