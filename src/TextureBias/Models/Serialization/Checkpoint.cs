using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

/// <summary>
/// What a weight file holds: the model's state_dict (keys as in the file, with any
/// DataParallel <c>module.</c> segments removed) and, for training checkpoints, the plain
/// values stored beside it (<c>epoch</c>, <c>arch</c>, <c>best_acc1</c>, ...) and how the
/// network is used (<see cref="ModelMetadata"/>: class names, evaluation preprocessing, ...).
/// </summary>
/// <param name="StateDict">Parameter and buffer tensors by key. The caller owns (disposes) them.</param>
/// <param name="Metadata">Top-level numbers and strings of a checkpoint dict; empty for a plain state_dict.</param>
/// <param name="Format">"legacy", "zip" or "safetensors".</param>
public sealed record Checkpoint(IReadOnlyDictionary<string, Tensor> StateDict, IReadOnlyDictionary<string, object?> Metadata, string Format) : IDisposable
{
    /// <summary>The class names, image size, architecture options and evaluation preprocessing the file records (<see cref="ModelMetadata.None"/> when it records none).</summary>
    public ModelMetadata ModelMetadata { get; init; } = ModelMetadata.None;

    /// <summary>
    /// How many elements the file's storages hold: what its tensors (views that may share
    /// storages) can really supply. A model needing more parameters cannot fit the file.
    /// </summary>
    public long StoredElements { get; init; }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        foreach (var t in StateDict.Values) t.Dispose();
    }
}
