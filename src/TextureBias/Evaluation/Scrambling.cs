using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// The BagNet paper's scrambling test: each image is cut into an n×n grid of blocks which are
/// shuffled, destroying the global arrangement while keeping local features. Blocks are
/// ⌊W/n⌋×⌊H/n⌋ pixels; a remainder strip at the right and bottom stays where it is.
/// </summary>
public static class Scrambling
{
    /// <summary>The image with its n×n blocks permuted by <paramref name="rng"/> (n = 1: unchanged).</summary>
    public static RgbImage Scramble(RgbImage image, int n, Random rng)
    {
        if (n < 1) throw new ArgumentException("the grid must be at least 1");
        int bw = image.Width / n, bh = image.Height / n;
        if (bw == 0 || bh == 0) throw new TextureBiasException($"a {n}x{n} grid does not fit a {image.Width}x{image.Height} image");
        var order = Enumerable.Range(0, n * n).ToArray();
        rng.Shuffle(order);
        var dst = (byte[])image.Pixels.Clone();
        for (int target = 0; target < n * n; target++)
        {
            int source = order[target];
            int sx = source % n * bw, sy = source / n * bh, tx = target % n * bw, ty = target / n * bh;
            for (int y = 0; y < bh; y++)
                Buffer.BlockCopy(image.Pixels, ((sy + y) * image.Width + sx) * 3, dst, ((ty + y) * image.Width + tx) * 3, bw * 3);
        }
        return new RgbImage(image.Width, image.Height, dst);
    }

    /// <summary>
    /// Top-1/top-5 accuracy on <paramref name="data"/> with each image scrambled on an n×n grid (seeded per grid and image);
    /// images are scrambled on the CPU, the network runs on <paramref name="device"/> when given (the model is moved there), else where it is.
    /// </summary>
    public static EvaluationResult Evaluate(ImageClassifier model, ImageFolder data, Preprocessing preprocessing, int n, int seed, int batchSize = 32,
        Action<ImageFailure>? onFailure = null, CancellationToken cancel = default, Action<int>? progress = null, Device? device = null) =>
        Evaluator.Run(model, data, (image, position) => Scramble(preprocessing.Geometry(image), n, new Random(Seeds.Mix(seed, n, position))),
            batchSize, onFailure, progress, cancel, preprocessing, device);
}
