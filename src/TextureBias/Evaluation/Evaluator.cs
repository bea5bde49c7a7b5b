using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// pytorch/examples' validation: top-1 and top-5 accuracy of a model over an ImageFolder
/// (Resize 256 + CenterCrop 224 by default), streamed with background decoding; unreadable
/// images, and images smaller than the network takes, are reported and skipped.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/> on <paramref name="data"/>, on <paramref name="device"/> when
    /// one is given (the model is moved there), else where the model's parameters are.
    /// </summary>
    public static EvaluationResult Run(ImageClassifier model, ImageFolder data, Preprocessing preprocessing, int batchSize = 32,
        Action<ImageFailure>? onFailure = null, Action<int>? progress = null, CancellationToken cancel = default, Device? device = null)
    {
        Devices.TuneFor(device ?? Devices.Of(model), fixedSize: preprocessing.Crop > 0);
        return Run(model, data, (image, _) => preprocessing.Geometry(image), batchSize, onFailure, progress, cancel, preprocessing, device);
    }

    /// <summary>
    /// Evaluates with a per-image transform (image, position in the sample list) in place of resize
    /// and crop; inputs are normalised with <paramref name="normalization"/>'s mean and std (ImageNet's when null).
    /// A folder's classes are the model's outputs of the same name when the model knows its class
    /// names (<see cref="ModelMetadata.Classes"/>), else as <see cref="ImageFolder.ModelIndices(int)"/> says.
    /// The network runs on <paramref name="device"/> when one is given (the model is moved there), else
    /// where its parameters are; batches are decoded on the CPU and copied there.
    /// </summary>
    public static EvaluationResult Run(ImageClassifier model, ImageFolder data, Func<RgbImage, int, RgbImage> geometry, int batchSize = 32,
        Action<ImageFailure>? onFailure = null, Action<int>? progress = null, CancellationToken cancel = default, Preprocessing? normalization = null,
        Device? device = null)
    {
        var on = Devices.Place(model, device);
        var indices = data.ModelIndices(model.NumClasses, model.Metadata.Classes);
        var labelOf = new Dictionary<string, int>();
        foreach (var (path, label) in data.Samples) labelOf.TryAdd(path, label);
        int n = data.Classes.Count, skipped = 0, done = 0;
        var count = new int[n];
        var top1 = new int[n];
        var top5 = new int[n];
        model.eval();
        using var frozen = model.FreezeWeights();
        var loader = new ImageBatchLoader(geometry, batchSize, normalization: normalization) { PinMemory = Devices.PinsMemory(on), MinimumSide = model.MinimumInputSize, MinimumSideNeededBy = model.Architecture };
        void Failure(ImageFailure f)
        {
            skipped++;
            onFailure?.Invoke(f);
            done++;
            progress?.Invoke(done);
        }
        foreach (var batch in loader.Batches(data.Samples.Select(s => s.Path).ToList(), Failure, cancel))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var logits = Devices.On(model.forward(Devices.Upload(batch.Input, on)), Devices.Cpu);
                var labels = batch.Paths.Select(p => labelOf[p]).ToList();
                var targets = labels.Select(l => indices[l]).ToList();
                var h1 = TopK.Hits(logits, targets, 1);
                var h5 = TopK.Hits(logits, targets, 5);
                for (int i = 0; i < labels.Count; i++)
                {
                    count[labels[i]]++;
                    if (h1[i]) top1[labels[i]]++;
                    if (h5[i]) top5[labels[i]]++;
                }
                done += labels.Count;
                progress?.Invoke(done);
            }
        }
        int total = count.Sum();
        var perClass = Enumerable.Range(0, n).Select(c => new ClassAccuracy(data.Classes[c], indices[c], count[c],
            count[c] == 0 ? double.NaN : (double)top1[c] / count[c], count[c] == 0 ? double.NaN : (double)top5[c] / count[c])).ToList();
        return new EvaluationResult(total == 0 ? 0 : 100.0 * top1.Sum() / total, total == 0 ? 0 : 100.0 * top5.Sum() / total, total, skipped, perClass);
    }
}
