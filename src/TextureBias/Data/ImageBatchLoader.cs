using System.Buffers;
using System.Collections.Concurrent;
using TextureBias.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Data;

/// <summary>
/// Decodes and preprocesses images on background threads while the caller runs the network,
/// and hands them out in order, in batches. At most <see cref="Prefetch"/> decoded images, and
/// at most <see cref="QueueBytes"/> of them (one image always goes through, whatever its size),
/// wait in memory, so memory stays bounded over any number of files and any image sizes.
/// Consecutive images of the same size share a batch (with no resize/crop, differently sized
/// images go to separate batches). Unreadable images, and images smaller than
/// <see cref="MinimumSide"/> after preprocessing, are reported through the failure callback and
/// skipped.
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

    /// <summary>
    /// Whether batches are made in pinned (page-locked) host memory, for non-blocking copies to a
    /// GPU (<see cref="Models.Devices.Upload"/>); set it with <see cref="Models.Devices.PinsMemory"/>.
    /// Pinned memory needs the CUDA build and a GPU.
    /// </summary>
    public bool PinMemory { get; init; }

    /// <summary>Decoding threads.</summary>
    public int Workers { get; }

    /// <summary>How many images may be decoded ahead of the consumer.</summary>
    public int Prefetch { get; }

    /// <summary>The default of <see cref="QueueBytes"/>: 256 MiB.</summary>
    public const long DefaultQueueBytes = 256L << 20;

    /// <summary>
    /// How many bytes of decoded images (float32 network inputs) may wait for the consumer at
    /// once, besides the <see cref="Prefetch"/> count; an image larger than this still goes
    /// through, alone. Images being decoded are bounded by <see cref="Workers"/>.
    /// </summary>
    public long QueueBytes { get; init; } = DefaultQueueBytes;

    /// <summary>The most bytes of decoded images that waited for the consumer at once during the last <see cref="Batches"/> run.</summary>
    public long PeakQueuedBytes { get; private set; }

    /// <summary>The smallest side (after preprocessing) the network takes; smaller images are reported and skipped (0: any).</summary>
    public int MinimumSide { get; init; }

    /// <summary>What needs <see cref="MinimumSide"/>, for the message of a skipped image (e.g. "bagnet33").</summary>
    public string MinimumSideNeededBy { get; init; } = "the network";

    private sealed record Decoded(string Path, float[]? Chw, int Height, int Width, string? Error)
    {
        public long Bytes => Chw is null ? 0 : 4L * 3 * Height * Width;
    }

    /// <summary>Yields the batches of <paramref name="paths"/> in order.</summary>
    public IEnumerable<ImageBatch> Batches(IReadOnlyList<string> paths, Action<ImageFailure>? onFailure = null, CancellationToken cancel = default)
    {
        using var queue = new BlockingCollection<Task<Decoded>>(Prefetch);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var gate = new SemaphoreSlim(Workers);
        // Decoded images enter the queue's budget in input order, the order in which they are
        // taken: so the image the consumer waits for is always admitted once those before it are taken.
        var budget = new MemoryBudget(Math.Max(1, QueueBytes));
        // The producer waits on the gate and the queue for its whole life: a thread of its own,
        // so that it never holds one of the thread pool's few threads (on 2 cores the pool starts
        // with 2, and the decodes queued behind a blocked pool thread waited about a second for
        // the pool to grow at the start of every job).
        var producer = Task.Factory.StartNew(() =>
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
                        try
                        {
                            var decoded = Decode(path, position);
                            budget.AcquireInOrder(position, decoded.Bytes, stop.Token);
                            return decoded;
                        }
                        finally { gate.Release(); }
                    });
                    queue.Add(task, stop.Token);
                }
            }
            catch (OperationCanceledException) { }
            finally { queue.CompleteAdding(); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var pending = new List<Decoded>();
        try
        {
            foreach (var task in queue.GetConsumingEnumerable(stop.Token))
            {
                var item = task.GetAwaiter().GetResult();
                budget.Release(item.Bytes);
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
            PeakQueuedBytes = budget.Peak;
        }
    }

    private Decoded Decode(string path, int position)
    {
        try
        {
            var image = _geometry(ImageDecoder.Decode(path), position);
            if (Math.Min(image.Width, image.Height) < MinimumSide)
                return new Decoded(path, null, 0, 0, $"image is {image.Width}x{image.Height} after preprocessing, smaller than the {MinimumSide} pixels {MinimumSideNeededBy} needs");
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
        // From a pool: a fresh 600 KB array per image would be a new large-object allocation each
        // time; Stack returns it once copied.
        var chw = ArrayPool<float>.Shared.Rent(3 * plane);
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

    private ImageBatch Stack(List<Decoded> items)
    {
        int h = items[0].Height, w = items[0].Width, per = 3 * h * w;
        // Each image is copied straight into the batch tensor's memory (no batch-sized managed array).
        var input = torch.empty(new long[] { items.Count, 3, h, w }, dtype: torch.ScalarType.Float32, device: torch.CPU); // decoded on the CPU, whatever the default device
        var target = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(input.bytes);
        for (int i = 0; i < items.Count; i++)
        {
            items[i].Chw.AsSpan(0, per).CopyTo(target.Slice(i * per, per));
            ArrayPool<float>.Shared.Return(items[i].Chw!);
        }
        return new ImageBatch(Models.Devices.PinIf(input, PinMemory), items.Select(d => d.Path).ToList());
    }
}
