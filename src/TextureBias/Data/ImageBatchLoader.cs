using System.Collections.Concurrent;
using TextureBias.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Data;

/// <summary>
/// Decodes and preprocesses images on background threads while the caller runs the network,
/// and hands them out in order, in batches. At most <see cref="Prefetch"/> decoded images wait
/// in memory, so memory stays bounded over any number of files. Consecutive images of the same
/// size share a batch (with no resize/crop, differently sized images go to separate batches).
/// Unreadable images are reported through the failure callback and skipped.
/// </summary>
public sealed class ImageBatchLoader
{
    private readonly Func<RgbImage, int, RgbImage> _geometry;

    private readonly bool _normalize;

    private readonly float[] _mean, _std;

    /// <summary>
    /// Creates a loader (inputs normalised with the preprocessing's mean and std). With
    /// <paramref name="normalize"/> false the inputs are plain <c>ToTensor</c> values in [0,1]
    /// (as style transfer takes them).
    /// </summary>
    public ImageBatchLoader(Preprocessing preprocessing, int batchSize, int workers = 0, bool normalize = true)
        : this((image, _) => preprocessing.Geometry(image), batchSize, workers, normalize, preprocessing)
    {
    }

    /// <summary>
    /// Creates a loader whose resizing and cropping is <paramref name="geometry"/>(image, position
    /// of the image in the list): random augmentation that depends only on the position. Inputs
    /// are normalised with the mean and std of <paramref name="normalization"/> (ImageNet's when null).
    /// </summary>
    public ImageBatchLoader(Func<RgbImage, int, RgbImage> geometry, int batchSize, int workers = 0, bool normalize = true, Preprocessing? normalization = null)
    {
        _geometry = geometry;
        _normalize = normalize;
        _mean = (normalization?.Mean ?? Preprocessing.ImageNetMean).ToArray();
        _std = (normalization?.Std ?? Preprocessing.ImageNetStd).ToArray();
        if (_mean.Length != 3 || _std.Length != 3) throw new ArgumentException("the normalisation needs three means and three standard deviations (RGB)");
        if (batchSize < 1) throw new ArgumentException("batch size must be at least 1");
        BatchSize = batchSize;
        Workers = workers > 0 ? workers : Environment.ProcessorCount;
        Prefetch = Math.Max(2 * batchSize, 2 * Workers);
    }

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Decoding threads.</summary>
    public int Workers { get; }

    /// <summary>How many images may be decoded ahead of the consumer.</summary>
    public int Prefetch { get; }

    private sealed record Decoded(string Path, float[]? Chw, int Height, int Width, string? Error);

    /// <summary>Yields the batches of <paramref name="paths"/> in order.</summary>
    public IEnumerable<ImageBatch> Batches(IReadOnlyList<string> paths, Action<ImageFailure>? onFailure = null, CancellationToken cancel = default)
    {
        using var queue = new BlockingCollection<Task<Decoded>>(Prefetch);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var gate = new SemaphoreSlim(Workers);
        var producer = Task.Run(() =>
        {
            try
            {
                for (int index = 0; index < paths.Count; index++)
                {
                    gate.Wait(stop.Token);
                    string path = paths[index];
                    int position = index;
                    var task = Task.Run(() =>
                    {
                        try { return Decode(path, position); }
                        finally { gate.Release(); }
                    });
                    queue.Add(task, stop.Token);
                }
            }
            catch (OperationCanceledException) { }
            finally { queue.CompleteAdding(); }
        });

        var pending = new List<Decoded>();
        try
        {
            foreach (var task in queue.GetConsumingEnumerable(stop.Token))
            {
                var item = task.GetAwaiter().GetResult();
                if (item.Error != null)
                {
                    onFailure?.Invoke(new ImageFailure(item.Path, item.Error));
                    continue;
                }
                if (pending.Count > 0 && (pending[0].Height != item.Height || pending[0].Width != item.Width))
                {
                    yield return Stack(pending);
                    pending.Clear();
                }
                pending.Add(item);
                if (pending.Count == BatchSize)
                {
                    yield return Stack(pending);
                    pending.Clear();
                }
            }
            if (pending.Count > 0) yield return Stack(pending);
        }
        finally
        {
            stop.Cancel();
            try { producer.Wait(); } catch (AggregateException) { }
        }
    }

    private Decoded Decode(string path, int position)
    {
        try
        {
            var image = _geometry(ImageDecoder.Decode(path), position);
            return new Decoded(path, Normalised(image), image.Height, image.Width, null);
        }
        catch (ImageDecodeException e)
        {
            return new Decoded(path, null, 0, 0, e.Reason);
        }
        catch (Exception e)
        {
            // One bad file must not end a job over a million images: report it and go on.
            return new Decoded(path, null, 0, 0, $"cannot be decoded ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>ToTensor + Normalize in float32, the same arithmetic as torchvision: (v/255 - mean) / std.</summary>
    private float[] Normalised(RgbImage image)
    {
        bool normalize = _normalize;
        int plane = image.Width * image.Height;
        var chw = new float[3 * plane];
        var px = image.Pixels;
        for (int c = 0; c < 3; c++)
        {
            float mean = _mean[c], std = _std[c];
            int o = c * plane;
            if (normalize)
                for (int i = 0; i < plane; i++)
                    chw[o + i] = (px[i * 3 + c] / 255f - mean) / std;
            else
                for (int i = 0; i < plane; i++)
                    chw[o + i] = px[i * 3 + c] / 255f;
        }
        return chw;
    }

    private static ImageBatch Stack(List<Decoded> items)
    {
        int h = items[0].Height, w = items[0].Width, per = 3 * h * w;
        var all = new float[items.Count * per];
        for (int i = 0; i < items.Count; i++) Array.Copy(items[i].Chw!, 0, all, i * per, per);
        var input = torch.tensor(all, new long[] { items.Count, 3, h, w });
        return new ImageBatch(input, items.Select(d => d.Path).ToList());
    }
}
