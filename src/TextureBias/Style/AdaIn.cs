using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// Adaptive instance normalisation (Huang &amp; Belongie 2017) as pytorch-AdaIN computes it:
/// per sample and channel, mean over H·W and std = sqrt(unbiased variance + 1e-5);
/// AdaIN(c, s) = std(s)·(c − mean(c))/std(c) + mean(s).
/// </summary>
public static class AdaIn
{
    /// <summary>The epsilon added to the variance.</summary>
    public const double Eps = 1e-5;

    /// <summary>Mean and std [N,C,1,1] of features [N,C,H,W] (unbiased variance + eps, then square root).</summary>
    public static (Tensor Mean, Tensor Std) MeanStd(Tensor feat, double eps = Eps)
    {
        if (feat.dim() != 4) throw new ArgumentException($"expected features [N,C,H,W], got [{string.Join(",", feat.shape)}]");
        using var scope = NewDisposeScope();
        long n = feat.shape[0], c = feat.shape[1];
        var flat = feat.view(n, c, -1);
        var std = flat.var(2, unbiased: true).Plus(eps).sqrt().view(n, c, 1, 1);
        var mean = flat.mean(new long[] { 2 }).view(n, c, 1, 1);
        return (mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
    }

    /// <summary>AdaIN(content, style): the content features with the style's channel statistics.</summary>
    public static Tensor Apply(Tensor content, Tensor style)
    {
        if (content.shape[0] != style.shape[0] || content.shape[1] != style.shape[1])
            throw new ArgumentException("content and style features need the same batch size and channels");
        using var scope = NewDisposeScope();
        var (sm, ss) = MeanStd(style);
        var (cm, cs) = MeanStd(content);
        var normalised = content.Minus(cm.expand_as(content)).div(cs.expand_as(content));
        return normalised.mul(ss.expand_as(content)).Plus(sm.expand_as(content)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// pytorch-AdaIN's <c>coral</c>: the source image [3,H,W] with the colour mean and covariance
    /// of the target image [3,H',W'] (used to preserve the content's colours: the style is
    /// recoloured like the content before stylisation). Computed where <paramref name="source"/> is.
    /// </summary>
    public static Tensor Coral(Tensor source, Tensor target)
    {
        using var scope = NewDisposeScope();
        (Tensor flat, Tensor mean, Tensor std) Stats(Tensor img)
        {
            var f = img.reshape(3, -1);
            return (f, f.mean(new long[] { 1 }, keepdim: true), f.std(1, unbiased: true, keepdim: true));
        }
        var (sf, smean, sstd) = Stats(source);
        var snorm = sf.Minus(smean).div(sstd);
        var identity = eye(3, dtype: source.dtype, device: source.device);
        var scov = snorm.mm(snorm.t()).Plus(identity);
        var (tf, tmean, tstd) = Stats(target);
        var tnorm = tf.Minus(tmean).div(tstd);
        var tcov = tnorm.mm(tnorm.t()).Plus(identity);
        var transfer = MatSqrt(tcov).mm(linalg.inv(MatSqrt(scov)).mm(snorm));
        return transfer.mul(tstd).Plus(tmean).view(source.shape).MoveToOuterDisposeScope();
    }

    private static Tensor MatSqrt(Tensor x)
    {
        var (u, s, vh) = linalg.svd(x, fullMatrices: true);
        return u.mm(s.sqrt().diag()).mm(vh);
    }
}
