using TextureBias.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// One convolution with a fixed weight and bias whose weight is packed into oneDNN's blocked
/// layout once per input shape (<see cref="MkldnnShims"/>), so that oneDNN's kernel reads it
/// without the reorder it otherwise does on every call. The values of <c>conv2d</c> up to
/// float32 rounding (oneDNN may block the sums of a packed weight differently). Applies to
/// channels-last float32 CPU inputs that need no gradient, outside autocast; for any other input, or when packing
/// is off or refused, <see cref="TryApply"/> returns null and the caller runs the ordinary
/// convolution.
/// </summary>
internal sealed class PackedConvolution : IDisposable
{
    /// <summary>Input shapes packed; further shapes reuse the first packing (oneDNN then reorders it, still exact).</summary>
    public const int ShapesPerConvolution = 4;

    private readonly Func<(Tensor Weight, Tensor Bias)> _fold;
    private readonly long[] _padding, _stride, _dilation;
    private readonly long _groups;
    private readonly List<(long[] Shape, Tensor Weight)> _packings = new();
    private readonly ReaderWriterLockSlim _use = new();
    private Tensor? _bias;
    private bool _failed, _disposed;

    /// <summary>
    /// <paramref name="fold"/> gives the weight [O,I,kh,kw] and bias [O] (float32, CPU) when a
    /// shape is first packed; what it returns is disposed after packing (return aliases of
    /// tensors kept elsewhere).
    /// </summary>
    public PackedConvolution(Func<(Tensor Weight, Tensor Bias)> fold, long[] padding, long[] stride, long[] dilation, long groups)
    {
        _fold = fold;
        _padding = padding;
        _stride = stride;
        _dilation = dilation;
        _groups = groups;
    }

    /// <summary>Whether packing is switched off (<c>TEXTUREBIAS_NO_PREPACK=1</c>) or this LibTorch lacks it.</summary>
    public static bool Disabled { get; } = Environment.GetEnvironmentVariable("TEXTUREBIAS_NO_PREPACK") == "1" || !MkldnnShims.Available;

    /// <summary>Packed weights held (one per input shape packed).</summary>
    public int Count { get { lock (_packings) return _packings.Count; } }

    /// <summary>
    /// The convolution of <paramref name="x"/> through a packed weight (with <paramref name="relu"/>,
    /// followed by a ReLU done in the same pass), or null when it does not apply.
    /// </summary>
    public Tensor? TryApply(Tensor x, bool relu = false)
    {
        if (!Suits(x)) return null;
        // Read-locked for the whole call: Dispose waits for convolutions running on other threads.
        _use.EnterReadLock();
        try
        {
            if (Packing(x.shape) is not { } packing) return null;
            var y = MkldnnShims.Convolution(x, packing.Weight, packing.Bias, _padding, _stride, _dilation, _groups, relu);
            if (y is null)
                lock (_packings) _failed = true; // LibTorch refused (and said why on stderr): the ordinary path from now on
            return y;
        }
        finally
        {
            _use.ExitReadLock();
        }
    }

    /// <summary>A float32 channels-last CPU batch that needs no gradient, outside an autocast region (whose convolutions run in its lower precision).</summary>
    private static bool Suits(Tensor x) =>
        !Disabled && x.dtype == ScalarType.Float32 && x.device_type == DeviceType.CPU && x.dim() == 4
        && EvalFusion.IsChannelsLast(x) && !(is_grad_enabled() && x.requires_grad)
        && !(Native.LibTorchContext.Available && Native.LibTorchContext.IsAutocastEnabled(DeviceType.CPU));

    /// <summary>The packed weight for inputs of <paramref name="shape"/> (packing it if new) and the bias; null when packing failed.</summary>
    private (Tensor Weight, Tensor Bias)? Packing(long[] shape)
    {
        Tensor? weight = null, bias;
        lock (_packings)
        {
            if (_disposed || _failed) return null;
            foreach (var p in _packings)
                if (p.Shape.AsSpan().SequenceEqual(shape)) { weight = p.Weight; break; }
            if (weight is null && _packings.Count >= ShapesPerConvolution) weight = _packings[0].Weight;
            weight ??= Pack(shape);
            bias = _bias;
        }
        return weight is null || bias is null ? null : (weight, bias);
    }

    private Tensor? Pack(long[] shape)
    {
        using var scope = NewDisposeScope();
        var (w, b) = _fold();
        if (w.dtype != ScalarType.Float32 || w.device_type != DeviceType.CPU || MkldnnShims.PackWeight(w, _padding, _stride, _dilation, _groups, shape) is not { } packed)
        {
            _failed = true;
            return null;
        }
        _bias ??= b.detach().clone().DetachFromDisposeScope();
        _packings.Add((shape, packed.DetachFromDisposeScope()));
        return packed;
    }

    /// <summary>Frees the packed weights once the convolutions running on them finish; later calls return null.</summary>
    public void Dispose()
    {
        _use.EnterWriteLock();
        try
        {
            lock (_packings)
            {
                _disposed = true;
                foreach (var p in _packings) p.Weight.Dispose();
                _packings.Clear();
                _bias?.Dispose();
                _bias = null;
            }
        }
        finally
        {
            _use.ExitWriteLock();
        }
    }
}
