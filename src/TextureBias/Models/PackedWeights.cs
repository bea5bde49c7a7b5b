using System.Runtime.CompilerServices;
using TextureBias.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// The convolutions of frozen networks (<see cref="FrozenWeights"/>) with their batch norms
/// folded in and their weights packed once, per input shape, into the blocked layout oneDNN's
/// kernels read (<see cref="MkldnnShims"/>): an inference pass then neither folds nor reorders a
/// weight. Used by <see cref="EvalFusion.ConvBn"/> on channels-last float32 CPU inputs without
/// autograd; every other case, and a LibTorch without the operations, takes the ordinary path.
/// </summary>
internal static class PackedWeights
{
    /// <summary>Input shapes packed per convolution; further shapes reuse the first packing (oneDNN then reorders it, still exact).</summary>
    public const int ShapesPerConvolution = 4;

    private static readonly ConditionalWeakTable<Conv2d, Slot> Slots = new();

    /// <summary>Whether packing is switched off (<c>TEXTUREBIAS_NO_PREPACK=1</c>) or LibTorch lacks it.</summary>
    public static bool Disabled { get; } = Environment.GetEnvironmentVariable("TEXTUREBIAS_NO_PREPACK") == "1" || !MkldnnShims.Available;

    /// <summary>Starts packing <paramref name="conv"/> (frozen with <paramref name="bn"/>); nested freezes count.</summary>
    public static void Freeze(Conv2d conv, BatchNorm2d bn)
    {
        lock (Slots)
        {
            if (Slots.TryGetValue(conv, out var slot)) slot.Holders++;
            else Slots.Add(conv, new Slot(bn));
        }
    }

    /// <summary>Ends one freeze of <paramref name="conv"/>; the last one frees its packed weights.</summary>
    public static void Thaw(Conv2d conv)
    {
        lock (Slots)
        {
            if (!Slots.TryGetValue(conv, out var slot)) return;
            if (--slot.Holders > 0) return;
            Slots.Remove(conv);
            slot.Dispose();
        }
    }

    /// <summary>Whether <paramref name="conv"/> is frozen now.</summary>
    public static bool IsFrozen(Conv2d conv) => Slots.TryGetValue(conv, out _);

    /// <summary>Packed weights held for <paramref name="conv"/> (one per input shape), 0 when it is not frozen.</summary>
    public static int PackedCount(Conv2d conv) => Slots.TryGetValue(conv, out var slot) ? slot.Count : 0;

    /// <summary>
    /// bn(conv(x)) through a packed weight when <paramref name="conv"/> is frozen and x is a
    /// channels-last float32 CPU tensor that needs no gradient; else null.
    /// </summary>
    public static Tensor? TryConvBn(Conv2d conv, BatchNorm2d bn, Tensor x)
    {
        if (Disabled || !Slots.TryGetValue(conv, out var slot) || !ReferenceEquals(slot.Norm, bn)) return null;
        if (x.dtype != ScalarType.Float32 || conv.weight!.dtype != ScalarType.Float32 || x.device_type != DeviceType.CPU
            || (is_grad_enabled() && x.requires_grad) || conv.padding is null || conv.padding_mode != PaddingModes.Zeros)
            return null;
        var packed = slot.For(conv, x.shape);
        if (packed is null) return null;
        return MkldnnShims.Convolution(x, packed.Value.Weight, packed.Value.Bias, conv.padding, conv.stride, conv.dilation, conv.groups);
    }

    private sealed class Slot : IDisposable
    {
        private readonly List<(long[] Shape, Tensor Weight, Tensor Bias)> packings = new();
        private bool failed;

        public Slot(BatchNorm2d norm) => Norm = norm;

        public BatchNorm2d Norm { get; }

        public int Holders { get; set; } = 1;

        public int Count { get { lock (packings) return packings.Count; } }

        public (Tensor Weight, Tensor Bias)? For(Conv2d conv, long[] shape)
        {
            lock (packings)
            {
                foreach (var p in packings)
                    if (p.Shape.AsSpan().SequenceEqual(shape)) return (p.Weight, p.Bias);
                if (failed) return null;
                if (packings.Count >= ShapesPerConvolution) return (packings[0].Weight, packings[0].Bias);
                using var scope = NewDisposeScope();
                var (w, b) = EvalFusion.Fold(conv, Norm);
                var packed = MkldnnShims.PackWeight(w, conv.padding!, conv.stride, conv.dilation, conv.groups, shape);
                if (packed is null)
                {
                    failed = true;
                    return null;
                }
                packings.Add((shape, packed.DetachFromDisposeScope(), b.DetachFromDisposeScope()));
                return (packed, b);
            }
        }

        public void Dispose()
        {
            lock (packings)
            {
                foreach (var p in packings)
                {
                    p.Weight.Dispose();
                    p.Bias.Dispose();
                }
                packings.Clear();
            }
        }
    }
}
