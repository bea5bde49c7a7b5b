using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Interpretation;

/// <summary>
/// The most informative patches of classes over a folder, as in the BagNet paper's figure: the
/// stride-8 patch logits of every image (one forward pass each) searched for the highest logits
/// of each class, among images of that class and among all images. Streams over any number of
/// images with bounded memory (only the best patches are kept).
/// </summary>
public static class InformativePatches
{

    /// <summary>
    /// The label of an image in an ImageFolder layout: its folder's name as one of
    /// <paramref name="classNames"/> (a network's recorded class names), a WNID or a class index, or null.
    /// </summary>
    public static int? FolderLabel(string path, int numClasses = 1000, IReadOnlyList<string>? classNames = null)
    {
        var folder = Path.GetFileName(Path.GetDirectoryName(path) ?? "");
        if (classNames is not null)
        {
            for (int i = 0; i < classNames.Count; i++)
                if (classNames[i] == folder) return i;
        }
        if (int.TryParse(folder, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
            return index < numClasses ? index : null;
        return numClasses == 1000 ? ImageNetClasses.IndexOfWnid(folder) : null;
    }

    /// <summary>
    /// Searches <paramref name="files"/> for the best <paramref name="top"/> patches of each class.
    /// An image's own class comes from <paramref name="labelOf"/> (default: <see cref="FolderLabel"/>
    /// with the model's recorded class names). The network runs on <paramref name="device"/> when
    /// given (the model is moved there), else where it is; batches are decoded on the CPU and copied there.
    /// </summary>
    public static InformativePatchesResult Find(BagNet model, IReadOnlyList<string> files, IReadOnlyList<int> classes, int top, Preprocessing preprocessing,
        int batchSize = 16, Action<ImageFailure>? onFailure = null, Action<int>? progress = null, CancellationToken cancel = default,
        Func<string, int?>? labelOf = null, Device? device = null)
    {
        var on = Devices.Place(model, device);
        labelOf ??= path => FolderLabel(path, model.NumClasses, model.Metadata.Classes);
        if (classes.Count == 0) throw new ArgumentException("no classes given");
        foreach (var c in classes)
            if (c < 0 || c >= model.NumClasses) throw new TextureBiasException($"class {c} is not one of the model's {model.NumClasses} classes");
        var ofClass = classes.Distinct().ToDictionary(c => c, _ => new TopPatches(top));
        var ofAll = classes.Distinct().ToDictionary(c => c, _ => new TopPatches(top));
        using var index = tensor(ofClass.Keys.Select(c => (long)c).ToArray(), device: on);
        var keys = ofClass.Keys.ToArray();
        int q = model.ReceptiveField, done = 0, skipped = 0;
        model.eval();
        using var frozen = model.FreezeWeights();
        var loader = new ImageBatchLoader(preprocessing, batchSize) { PinMemory = Devices.PinsMemory(on) };
        void Failure(ImageFailure f)
        {
            skipped++;
            onFailure?.Invoke(f);
            progress?.Invoke(done + skipped);
        }
        foreach (var batch in loader.Batches(files, Failure, cancel))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                long h = batch.Input.shape[2], w = batch.Input.shape[3];
                if (h < q || w < q)
                {
                    foreach (var p in batch.Paths) Failure(new ImageFailure(p, $"image is {w}x{h} after preprocessing, smaller than {model.Architecture}'s {q}-pixel patches"));
                    continue;
                }
                // Chunks are for glibc's allocator (CPU memory): on other devices the batch runs whole.
                long chunk = Devices.IsCpu(on) ? Math.Max(1, ImageClassifier.ChunkBytes / Math.Max(1, model.Profile((int)h, (int)w).LargestActivation * 4)) : batch.Paths.Count;
                var input = Devices.Upload(batch.Input, on);
                for (int start = 0; start < batch.Paths.Count; start += (int)chunk)
                {
                    using var step = NewDisposeScope();
                    int count = (int)Math.Min(chunk, batch.Paths.Count - start);
                    var logits = model.PatchLogits(input.narrow(0, start, count)).index_select(1, index); // [n, K, H', W']
                    long gh = logits.shape[2], gw = logits.shape[3];
                    int k = (int)Math.Min(top, gh * gw);
                    var (values, positions) = logits.flatten(2).topk(k, 2);
                    values = Devices.On(values, Devices.Cpu);
                    positions = Devices.On(positions, Devices.Cpu);
                    var v = values.data<float>().ToArray();
                    var pos = positions.data<long>().ToArray();
                    for (int i = 0; i < count; i++)
                    {
                        string path = batch.Paths[start + i];
                        int? label = labelOf(path);
                        for (int c = 0; c < keys.Length; c++)
                            for (int r = 0; r < k; r++)
                            {
                                int at = (i * keys.Length + c) * k + r;
                                long cell = pos[at];
                                var hit = new PatchHit(keys[c], path, (int)(cell % gw) * 8, (int)(cell / gw) * 8, q, v[at]);
                                ofAll[keys[c]].Offer(hit);
                                if (label == keys[c]) ofClass[keys[c]].Offer(hit);
                            }
                    }
                }
                done += batch.Paths.Count;
                progress?.Invoke(done + skipped);
            }
        }
        return new InformativePatchesResult(
            ofClass.ToDictionary(kv => kv.Key, kv => kv.Value.Best),
            ofAll.ToDictionary(kv => kv.Key, kv => kv.Value.Best),
            done, skipped);
    }
}
