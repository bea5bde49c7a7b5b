using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// The convolutions of frozen networks (<see cref="FrozenWeights"/>): each with its batch norm
/// folded in and its weight packed once per input shape (<see cref="PackedConvolution"/>), so an
/// inference pass neither folds nor reorders a weight. Used by <see cref="EvalFusion.ConvBn"/>;
/// every case <see cref="PackedConvolution"/> does not take goes the ordinary path.
/// </summary>
internal static class PackedWeights
{
    private static readonly ConditionalWeakTable<Conv2d, Slot> Slots = new();

    /// <summary>
    /// Starts packing <paramref name="conv"/> (frozen with <paramref name="bn"/>); nested freezes
    /// count. A convolution padded otherwise than with zeros, or by name ("same"), stays unpacked.
    /// </summary>
    public static void Freeze(Conv2d conv, BatchNorm2d bn)
    {
        if (conv.padding is null || conv.padding_mode != PaddingModes.Zeros) return;
        lock (Slots)
        {
            if (Slots.TryGetValue(conv, out var slot)) slot.Holders++;
            else Slots.Add(conv, new Slot(conv, bn));
        }
    }

    /// <summary>Ends one freeze of <paramref name="conv"/>; the last one frees its packed weights.</summary>
    public static void Thaw(Conv2d conv)
    {
        lock (Slots)
        {
            if (!Slots.TryGetValue(conv, out var slot) || --slot.Holders > 0) return;
            Slots.Remove(conv);
            slot.Packed.Dispose();
        }
    }

    /// <summary>Whether <paramref name="conv"/> is frozen now.</summary>
    public static bool IsFrozen(Conv2d conv) => Slots.TryGetValue(conv, out _);

    /// <summary>Packed weights held for <paramref name="conv"/> (one per input shape), 0 when it is not frozen.</summary>
    public static int PackedCount(Conv2d conv) => Slots.TryGetValue(conv, out var slot) ? slot.Packed.Count : 0;

    /// <summary>bn(conv(x)) through a packed weight when <paramref name="conv"/> is frozen with <paramref name="bn"/> and the input suits; else null.</summary>
    public static Tensor? TryConvBn(Conv2d conv, BatchNorm2d bn, Tensor x, bool relu = false) =>
        Slots.TryGetValue(conv, out var slot) && ReferenceEquals(slot.Norm, bn) && conv.weight!.dtype == ScalarType.Float32 ? slot.Packed.TryApply(x, relu) : null;

    private sealed class Slot
    {
        public Slot(Conv2d conv, BatchNorm2d norm)
        {
            Norm = norm;
            Packed = new PackedConvolution(() => EvalFusion.Fold(conv, norm), conv.padding!, conv.stride, conv.dilation, conv.groups);
        }

        public BatchNorm2d Norm { get; }

        public PackedConvolution Packed { get; }

        public int Holders { get; set; } = 1;
    }
}
