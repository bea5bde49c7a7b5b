using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Training;

/// <summary>
/// Dynamic loss scaling for float16 mixed precision, as PyTorch's <c>torch.amp.GradScaler</c>
/// (TorchSharp 0.107 has none): the loss is multiplied by <see cref="Scale"/> before backward so
/// that small gradients survive float16; the gradients are divided by it before the optimiser
/// step; a step whose gradients hold an inf or NaN is skipped and the scale halved, and after
/// <see cref="GrowthInterval"/> good steps in a row the scale doubles. Disabled (bf16, fp32) it
/// changes nothing and every step is taken.
/// </summary>
public sealed class LossScaler
{
    /// <summary>Creates a scaler with GradScaler's defaults.</summary>
    public LossScaler(bool enabled, double initialScale = 65536.0, double growthFactor = 2.0, double backoffFactor = 0.5, int growthInterval = 2000)
    {
        if (initialScale <= 0 || growthFactor <= 1 || backoffFactor <= 0 || backoffFactor >= 1 || growthInterval < 1)
            throw new ArgumentException("loss scaling needs a positive scale, growth > 1, 0 < backoff < 1 and an interval of at least 1");
        Enabled = enabled;
        Scale = initialScale;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = growthInterval;
    }

    /// <summary>A scaler for <paramref name="precision"/>: enabled for fp16 only.</summary>
    public static LossScaler For(Precision precision) => new(MixedPrecision.NeedsLossScaling(precision));

    /// <summary>Whether the loss is scaled.</summary>
    public bool Enabled { get; }

    /// <summary>The current scale.</summary>
    public double Scale { get; private set; }

    /// <summary>The factor the scale grows by.</summary>
    public double GrowthFactor { get; }

    /// <summary>The factor the scale shrinks by after a skipped step.</summary>
    public double BackoffFactor { get; }

    /// <summary>Good steps in a row before the scale grows.</summary>
    public int GrowthInterval { get; }

    /// <summary>Good steps in a row since the scale last changed (checkpointed with <see cref="Scale"/>).</summary>
    public int GoodSteps { get; private set; }

    /// <summary>Steps skipped for non-finite gradients so far.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Restores <see cref="Scale"/> and <see cref="GoodSteps"/> from a checkpoint.</summary>
    public void Restore(double scale, int goodSteps)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentException($"a loss scale must be positive and finite, not {scale}");
        Scale = scale;
        GoodSteps = Math.Max(0, goodSteps);
    }

    /// <summary>The loss to call backward on: <paramref name="loss"/> × <see cref="Scale"/> when enabled, else the loss itself.</summary>
    public Tensor ScaleLoss(Tensor loss)
    {
        if (!Enabled) return loss;
        using var s = Scale.ToScalar();
        return loss.mul(s);
    }

    /// <summary>
    /// After backward on <see cref="ScaleLoss"/>: divides the gradients of
    /// <paramref name="parameters"/> by the scale, runs <paramref name="step"/> (the optimiser's)
    /// unless a gradient is not finite, and updates the scale. Returns whether the step was taken.
    /// </summary>
    public bool Step(IEnumerable<TorchSharp.Modules.Parameter> parameters, Action step)
    {
        if (!Enabled)
        {
            step();
            return true;
        }
        bool finite = true;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            using var inverse = (1.0 / Scale).ToScalar();
            Tensor? bad = null;
            foreach (var p in parameters)
            {
                var g = p.grad;
                if (g is null) continue;
                g.mul_(inverse);
                var nonFinite = g.isfinite().logical_not().any();
                bad = bad is null ? nonFinite : bad.logical_or(nonFinite);
            }
            if (bad is not null) finite = !bad.item<bool>();
        }
        if (finite)
        {
            step();
            if (++GoodSteps >= GrowthInterval)
            {
                Scale *= GrowthFactor;
                GoodSteps = 0;
            }
        }
        else
        {
            Scale *= BackoffFactor;
            GoodSteps = 0;
            SkippedSteps++;
        }
        return finite;
    }
}
