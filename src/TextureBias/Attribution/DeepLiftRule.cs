using TextureBias.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Attribution;

/// <summary>
/// DeepLIFT's Rescale rule (Shrikumar et al. 2017) as captum implements it, for a batch whose first half are the inputs and
/// whose second half are their references, in the same order. The forward values are exactly the network's; only the
/// gradient of the first half changes, each written as y = value + (L(x) − L(x).detach()) with L linear in x, so that the
/// gradient is L's:
/// ReLU passes the multiplier (relu(z) − relu(z₀))/(z − z₀) (the ordinary gradient where |z − z₀| &lt; eps);
/// max-pooling passes, to each input, the gradient times the change of the pooled outputs whose window's maximum it is,
/// split as captum does into the part up to the larger of the two outputs (by the input's maxima) and the rest (by the
/// reference's), divided by the input's change (the ordinary gradient where that is below eps).
/// The references get no gradient. Summation to delta: Σ (x − x₀)·∂ = f(x) − f(x₀) to float rounding.
/// </summary>
internal sealed class DeepLiftRule : IActivationRule
{
    /// <summary>captum's eps.</summary>
    public const double Eps = 1e-10;

    static readonly Scalar EpsScalar = Eps.ToScalar();

    public Tensor Relu(Tensor x)
    {
        var (z, z0) = Halves(x);
        using var scope = NewDisposeScope();
        Tensor y, y0, multiplier;
        using (no_grad())
        {
            var zd = z.detach();
            y = functional.relu(zd);
            y0 = functional.relu(z0.detach());
            var delta = zd.Minus(z0.detach());
            var plain = zd.gt(SafeScalars.Zero).to(zd.dtype);
            var small = delta.abs().lt(EpsScalar);
            multiplier = where(small, plain, y.Minus(y0).div(where(small, ones_like(delta), delta)));
        }
        var linear = z * multiplier;
        var first = y.Plus(linear.Minus(linear.detach()));
        return cat([first, y0], 0).MoveToOuterDisposeScope();
    }

    public Tensor MaxPool(MaxPool2d pool, Tensor x)
    {
        var (input, reference) = Halves(x);
        using var scope = NewDisposeScope();
        Tensor y, y0, indices, refIndices, scale, plainMask, up, rest;
        using (no_grad())
        {
            var xd = input.detach();
            var rd = reference.detach();
            (y, indices) = pool.forward_with_indices(xd);
            (y0, refIndices) = pool.forward_with_indices(rd);
            var delta = xd.Minus(rd);
            var small = delta.abs().lt(EpsScalar);
            plainMask = small.to(xd.dtype);
            scale = where(small, zeros_like(delta), where(small, ones_like(delta), delta).reciprocal());
            var larger = maximum(y, y0);
            up = larger.Minus(y0);
            rest = y.Minus(larger);
        }
        // L(x) = up·G_x(x·s) + rest·G_r(x·s) + G_x(x·plain): its transpose is captum's backward.
        var scaled = input * scale;
        var linear = (up * Gather(scaled, indices)).Plus(rest * Gather(scaled, refIndices)).Plus(Gather(input * plainMask, indices));
        var first = y.Plus(linear.Minus(linear.detach()));
        return cat([first, y0], 0).MoveToOuterDisposeScope();
    }

    /// <summary>The values of <paramref name="x"/> [N,C,H,W] at max-pooling's flat spatial <paramref name="indices"/> [N,C,H',W'].</summary>
    static Tensor Gather(Tensor x, Tensor indices) =>
        x.flatten(2).gather(2, indices.flatten(2)).view(indices.shape);

    static (Tensor Input, Tensor Reference) Halves(Tensor x)
    {
        long n = x.shape[0];
        if (n % 2 != 0) throw new InvalidOperationException("DeepLIFT runs inputs and references together: the batch must have an even size");
        return (x.narrow(0, 0, n / 2), x.narrow(0, n / 2, n / 2));
    }
}
