using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// Any ImageNet classifier exported to ONNX (timm, Keras, TensorFlow through tf2onnx ...), run by
/// ONNX Runtime behind the same interface as our networks. The model takes one float32 image
/// batch, NCHW ([N,3,H,W]) or NHWC ([N,H,W,3], detected from the input's shape), normalised
/// with the ImageNet mean and std as torchvision models are, and returns logits [N,classes].
/// ONNX Runtime runs it on the CPU whatever device its input is on (the logits come back there).
/// </summary>
public sealed class OnnxClassifier : ImageClassifier
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly bool _channelsLast;

    private OnnxClassifier(string name, InferenceSession session, string input, bool channelsLast, int classes) : base(name, classes)
    {
        _session = session;
        _input = input;
        _channelsLast = channelsLast;
    }

    /// <summary>Loads <paramref name="path"/>.</summary>
    /// <exception cref="TextureBiasException">Not a readable ONNX model, or not an image classifier.</exception>
    public static OnnxClassifier Load(string path)
    {
        if (!File.Exists(path)) throw new TextureBiasException($"{path}: no such file");
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount });
        }
        catch (OnnxRuntimeException e)
        {
            throw new TextureBiasException($"{path}: not a readable ONNX model ({e.Message.Split('\n')[0]})", e);
        }
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count < 1)
            throw new TextureBiasException($"{path}: expected one image input and a logits output, found {session.InputMetadata.Count} inputs");
        var (name, meta) = session.InputMetadata.First();
        var dims = meta.Dimensions;
        if (dims.Length != 4 || (dims[1] != 3 && dims[3] != 3))
            throw new TextureBiasException($"{path}: the input '{name}' is [{string.Join(",", dims)}], not an image batch [N,3,H,W] or [N,H,W,3]");
        var output = session.OutputMetadata.First().Value.Dimensions;
        int classes = output.Length == 2 && output[1] > 0 ? output[1] : 1000;
        return new OnnxClassifier(Path.GetFileNameWithoutExtension(path), session, name, dims[1] != 3 && dims[3] == 3, classes);
    }

    /// <inheritdoc />
    public override int MinimumInputSize => 1;

    /// <inheritdoc />
    internal override MacCount Profile(int height, int width) => new();

    /// <inheritdoc />
    protected override Tensor ForwardBatch(Tensor x)
    {
        using var scope = NewDisposeScope();
        // ONNX Runtime (its CPU package) runs on the CPU: a batch on another device comes over, the logits go back.
        var onCpu = Devices.On(x, Devices.Cpu);
        var input = _channelsLast ? onCpu.permute(0, 2, 3, 1).contiguous() : onCpu.contiguous();
        var shape = input.shape.Select(d => (int)d).ToArray();
        var data = new DenseTensor<float>(input.data<float>().ToArray(), shape);
        using var results = _session.Run(new[] { NamedOnnxValue.CreateFromTensor(_input, data) });
        var logits = results.First().AsTensor<float>();
        var values = logits.ToArray();
        return tensor(values, new long[] { x.shape[0], values.Length / x.shape[0] }, device: x.device).MoveToOuterDisposeScope();
    }

    /// <summary>Releases the session.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _session.Dispose();
        base.Dispose(disposing);
    }
}
