using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// PyTorch's <c>nn.init.trunc_normal_</c>: values from N(mean, std²) truncated to [a, b], drawn as PyTorch draws them
/// (uniform in [2·Φ(α) − 1, 2·Φ(β) − 1], inverse error function, times std·√2, plus mean, clamped). TorchSharp 0.107's
/// <c>init.trunc_normal_</c> multiplies by the mean and adds the standard deviation instead (so N(0, 0.01) gives the
/// constant 0.01) and must not be used.
/// </summary>
public static class TruncatedNormal
{
    /// <summary>Fills <paramref name="tensor"/> in place and returns it.</summary>
    public static Tensor Fill(Tensor tensor, double mean, double std, double a, double b, Generator? generator = null)
    {
        if (!(std > 0) || !(a < b)) throw new ArgumentException("std must be positive and a < b");
        static double Cdf(double x) => (1 + Erf(x / Math.Sqrt(2))) / 2;
        double l = Cdf((a - mean) / std), u = Cdf((b - mean) / std);
        using var noGrad = no_grad();
        tensor.uniform_(2 * l - 1, 2 * u - 1, generator);
        tensor.erfinv_();
        using (var scale = (std * Math.Sqrt(2)).ToScalar()) tensor.mul_(scale);
        using (var shift = mean.ToScalar()) tensor.add_(shift, SafeScalars.One); // explicit alpha (the implicit one can be freed mid-call)
        using (var low = a.ToScalar())
        using (var high = b.ToScalar())
            tensor.clamp_(low, high);
        return tensor;
    }

    /// <summary>The error function (Abramowitz–Stegun 7.1.26 is too coarse; this is W. J. Cody's rational approximation via erfc for |x| ≥ 0.5).</summary>
    static double Erf(double x)
    {
        // A series for small |x| and a continued fraction for large |x|, both to double precision.
        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            double sum = x, term = x, x2 = x * x;
            for (int n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc(x) = exp(-x²)/(x√π) · 1/(1 + 1/(2x²)/(1 + 2/(2x²)/(1 + ...))) via Lentz's continued fraction.
        double f = ax, c = ax, d = 0, tiny = 1e-300;
        for (int k = 1; k < 300; k++)
        {
            double ak = k / 2.0;
            d = ax + ak * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = ax + ak / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }
}
