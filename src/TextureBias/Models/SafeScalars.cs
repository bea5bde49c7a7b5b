using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// TorchSharp 0.107 turns numbers into native <see cref="Scalar"/>s implicitly (also inside
/// <c>a.add(b)</c>, whose alpha is an implicit 1, and inside <c>BatchNorm</c>'s training step) and
/// leaves them to the garbage collector, which may free one while the native call that uses it
/// is still running; under allocation pressure from other threads (image decoding) this corrupts
/// the call ("Unknown scalar type", "alpha must not be a floating point number") or the heap. The
/// library therefore passes only Scalars it keeps alive: the constants here (static, never
/// collected) or ones held by a <c>using</c> for the length of the call.
/// </summary>
internal static class SafeScalars
{
    /// <summary>The integer 1 (also the alpha of plain additions).</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer −1 (the alpha of subtractions).</summary>
    public static readonly Scalar MinusOne = (-1).ToScalar();

    /// <summary>255 (bytes to [0,1] and back).</summary>
    public static readonly Scalar Byte = 255f.ToScalar();

    /// <summary>0.5 (rounding half up).</summary>
    public static readonly Scalar Half = 0.5f.ToScalar();

    /// <summary>0.</summary>
    public static readonly Scalar Zero = 0f.ToScalar();

    /// <summary>a + b without an implicit alpha.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a += b in place without an implicit alpha.</summary>
    public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>a − b without an implicit alpha.</summary>
    public static Tensor Minus(this Tensor a, Tensor b) => a.add(b, MinusOne);

    /// <summary>a · v with a Scalar kept alive for the call.</summary>
    public static Tensor Times(this Tensor a, double v)
    {
        using var s = v.ToScalar();
        return a.mul(s);
    }

    /// <summary>a + v with Scalars kept alive for the call.</summary>
    public static Tensor Plus(this Tensor a, double v)
    {
        using var s = v.ToScalar();
        return a.add(s, One);
    }

    /// <summary>A zero-dimensional float tensor holding <paramref name="value"/> (an operand that needs no Scalar).</summary>
    public static Tensor AsTensor(double value) => tensor((float)value);

    /// <summary>A tensor of the given shape filled with <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params long[] shape)
    {
        using var s = value.ToScalar();
        return full(shape, s);
    }

    /// <summary>
    /// Batch norm as <c>BatchNorm2d.forward</c> computes it in either mode, but counting
    /// <c>num_batches_tracked</c> with a kept-alive Scalar.
    /// </summary>
    public static Tensor Normalize(this TorchSharp.Modules.BatchNorm2d bn, Tensor x)
    {
        if (!bn.training) return bn.forward(x);
        bn.num_batches_tracked?.add_(One, One);
        return nn.functional.batch_norm(x, bn.running_mean, bn.running_var, bn.weight, bn.bias, true, bn.momentum ?? 0.1, bn.eps);
    }
}
