using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// Classifies image files with a model, streaming: images are decoded on background threads
/// while the network runs (eval mode, no gradients), and results come out in input order.
/// Unreadable or too small images are reported and skipped. The network runs on its device (or
/// the one given): batches are decoded on the CPU and copied there, logits come back to the CPU.
/// </summary>
public sealed class Classifier
{
    private readonly ImageClassifier _model;
    private readonly ImageBatchLoader _loader;
    private readonly Device _device;

    /// <summary>
    /// Creates a classifier; the model is put in eval mode, and moved to <paramref name="device"/>
    /// when one is given (else it runs where its parameters are).
    /// </summary>
    public Classifier(ImageClassifier model, Preprocessing preprocessing, int batchSize = 32, int workers = 0, Device? device = null)
    {
        _model = model;
        _device = Devices.Place(model, device);
        _model.eval();
        Devices.TuneFor(_device, fixedSize: preprocessing.Crop > 0);
        _loader = new ImageBatchLoader(preprocessing, batchSize, workers) { PinMemory = Devices.PinsMemory(_device), MinimumSide = model.MinimumInputSize, MinimumSideNeededBy = model.Architecture };
    }

    /// <summary>Classifies <paramref name="paths"/>; yields one result per readable image, in order.</summary>
    public IEnumerable<Classification> Classify(IReadOnlyList<string> paths, int top = 5, Action<ImageFailure>? onFailure = null, CancellationToken cancel = default)
    {
        int k = Math.Clamp(top, 1, _model.NumClasses);
        using var frozen = _model.FreezeWeights(); // for this enumeration (see FrozenWeights)
        foreach (var batch in _loader.Batches(paths, onFailure, cancel))
        {
            using (batch)
            {
                float[] logits, probs;
                long[] order;
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    var output = _model.forward(Devices.Upload(batch.Input, _device));
                    output = Devices.On(output, Devices.Cpu);
                    var p = output.softmax(1);
                    logits = output.data<float>().ToArray();
                    probs = p.data<float>().ToArray();
                    order = p.topk(k, 1).indexes.data<long>().ToArray();
                }
                int c = _model.NumClasses;
                for (int i = 0; i < batch.Paths.Count; i++)
                {
                    var row = logits.AsSpan(i * c, c).ToArray();
                    var preds = new ClassPrediction[k];
                    for (int j = 0; j < k; j++)
                    {
                        int cls = (int)order[i * k + j];
                        preds[j] = new ClassPrediction(cls, _model.Metadata.WnidOf(cls, c), _model.ClassName(cls), probs[i * c + cls], row[cls]);
                    }
                    yield return new Classification(batch.Paths[i], preds, row);
                }
            }
        }
    }
}
