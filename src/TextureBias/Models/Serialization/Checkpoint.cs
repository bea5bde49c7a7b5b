using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

/// <summary>
/// What a weight file holds: the model's state_dict (keys as in the file, with any
/// DataParallel <c>module.</c> segments removed) and, for training checkpoints, the plain
/// values stored beside it (<c>epoch</c>, <c>arch</c>, <c>best_acc1</c>, ...).
/// </summary>
/// <param name="StateDict">Parameter and buffer tensors by key. The caller owns (disposes) them.</param>
/// <param name="Metadata">Top-level numbers and strings of a checkpoint dict; empty for a plain state_dict.</param>
/// <param name="Format">"legacy", "zip" or "safetensors".</param>
public sealed record Checkpoint(IReadOnlyDictionary<string, Tensor> StateDict, IReadOnlyDictionary<string, object?> Metadata, string Format) : IDisposable
{
    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        foreach (var t in StateDict.Values) t.Dispose();
    }
}
