using TextureBias.Interpretation;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Attribution;

/// <summary>
/// Attribution heatmaps for any network: which input values carry the evidence for a class. Inputs are normalised batches
/// [N,3,H,W] (as the networks take them) with one target class per image; results are attributions of the same shape,
/// one per input value (a BagNet's class evidence: [N,1,H,W]), and a heatmap is their sum over the channels
/// (<see cref="Heatmaps"/>). The networks run in eval mode (batch norms with their running statistics) on their
/// differentiable path (<see cref="Nonlinearities"/>); the batch norms, convolutions, linear layers, average pools, additions
/// and concatenations keep their ordinary gradients. They run on the network's device (<see cref="Devices.Of"/>; the input is
/// moved there), and the attributions are on that device.
/// </summary>
public static class Attributions
{
    /// <summary>The attributions of <paramref name="targets"/> (one class per image) for the batch <paramref name="input"/>, on <paramref name="model"/>'s device.</summary>
    public static Tensor Compute(ImageClassifier model, Tensor input, IReadOnlyList<int> targets, AttributionMethod method, AttributionOptions? options = null)
    {
        options ??= new AttributionOptions();
        if (input.dim() != 4 || input.shape[1] != 3) throw new ArgumentException($"expected a batch [N,3,H,W], got [{string.Join(",", input.shape)}]");
        if (targets.Count != input.shape[0]) throw new ArgumentException($"one target per image: {input.shape[0]} images, {targets.Count} targets");
        foreach (var t in targets)
            if (t < 0 || t >= model.NumClasses) throw new TextureBiasException($"class {t} is not one of {model.Architecture}'s {model.NumClasses} outputs");
        if (options.BatchSize < 1) throw new ArgumentException("the batch size must be at least 1");
        model.eval();
        input = Devices.On(input, Devices.Of(model));
        return method switch
        {
            AttributionMethod.GradientInput => GradientInput(model, input, targets, options),
            AttributionMethod.IntegratedGradients => IntegratedGradients(model, input, targets, options),
            AttributionMethod.DeepLift => DeepLift(model, input, targets, options),
            AttributionMethod.Occlusion => Occlusion(model, input, targets, options),
            AttributionMethod.BagNet => model is BagNet bagnet ? BagNetEvidence(bagnet, input, targets)
                : throw new TextureBiasException($"the bagnet method needs a BagNet, not {model.Architecture}"),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
    }

    /// <summary>Heatmaps [N,H,W]: the attributions summed over the channels.</summary>
    public static Tensor Heatmaps(Tensor attributions) => attributions.sum(1);

    /// <summary>The reference inputs x₀ [N,3,H,W] of <paramref name="input"/> for <paramref name="options"/>' baseline.</summary>
    public static Tensor Baseline(Tensor input, AttributionOptions options)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = input.detach();
        var result = options.Baseline switch
        {
            AttributionBaseline.Zero => zeros_like(x),
            AttributionBaseline.Mean => x.mean([2, 3], keepdim: true).expand_as(x).contiguous(),
            AttributionBaseline.Blur => GaussianBlur(x, options.BlurSigma),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The gradient of the summed target logits with respect to <paramref name="batch"/>, the nonlinearities under <paramref name="rule"/>.</summary>
    /// <param name="model">The network.</param>
    /// <param name="batch">The inputs that get gradients.</param>
    /// <param name="targets">One class per input.</param>
    /// <param name="rule">The nonlinearities' rule.</param>
    /// <param name="references">For DeepLIFT: the references, run in the same batch after the inputs (no gradient).</param>
    internal static Tensor Gradient(ImageClassifier model, Tensor batch, IReadOnlyList<int> targets, IActivationRule rule, Tensor? references = null)
    {
        using var scope = NewDisposeScope();
        using var enable = enable_grad();
        var leaf = batch.detach().clone().requires_grad_(true);
        Tensor logits;
        using (Nonlinearities.Use(rule))
            logits = model.forward(references is null ? leaf : cat([leaf, references.detach()], 0));
        var index = tensor(targets.Select(t => (long)t).ToArray(), device: logits.device).view(-1, 1);
        var selected = logits.narrow(0, 0, targets.Count).gather(1, index).sum();
        var gradient = autograd.grad([selected], [leaf])[0];
        return gradient.detach().MoveToOuterDisposeScope();
    }

    static Tensor GradientInput(ImageClassifier model, Tensor input, IReadOnlyList<int> targets, AttributionOptions options)
    {
        var parts = new List<Tensor>();
        using var scope = NewDisposeScope();
        foreach (var (start, count) in Chunks((int)input.shape[0], options.BatchSize))
        {
            var x = input.narrow(0, start, count);
            parts.Add(Gradient(model, x, targets.Skip(start).Take(count).ToList(), new PlainGradientRule()).mul(x.detach()));
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    static Tensor IntegratedGradients(ImageClassifier model, Tensor input, IReadOnlyList<int> targets, AttributionOptions options)
    {
        var (alphas, weights) = GaussLegendre.Path(options.Rule, options.Steps);
        using var scope = NewDisposeScope();
        var baseline = Baseline(input, options);
        var parts = new List<Tensor>();
        for (int i = 0; i < input.shape[0]; i++)
        {
            using var imageScope = NewDisposeScope();
            var x = input.narrow(0, i, 1).detach();
            var x0 = baseline.narrow(0, i, 1);
            var delta = x.Minus(x0);
            var total = zeros_like(x);
            foreach (var (start, count) in Chunks(alphas.Length, options.BatchSize))
            {
                using var stepScope = NewDisposeScope();
                var a = tensor(alphas.Skip(start).Take(count).Select(v => (float)v).ToArray(), device: x.device).view(-1, 1, 1, 1);
                var w = tensor(weights.Skip(start).Take(count).Select(v => (float)v).ToArray(), device: x.device).view(-1, 1, 1, 1);
                var points = x0.Plus(delta * a);
                var gradients = Gradient(model, points, Enumerable.Repeat(targets[i], count).ToList(), new PlainGradientRule());
                total.add_((gradients * w).sum(0, keepdim: true), SafeScalars.One);
            }
            parts.Add((total * delta).MoveToOuterDisposeScope());
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    static Tensor DeepLift(ImageClassifier model, Tensor input, IReadOnlyList<int> targets, AttributionOptions options)
    {
        using var scope = NewDisposeScope();
        var baseline = Baseline(input, options);
        var parts = new List<Tensor>();
        // Inputs and references run together: half a batch of images at a time.
        foreach (var (start, count) in Chunks((int)input.shape[0], Math.Max(1, options.BatchSize / 2)))
        {
            var x = input.narrow(0, start, count).detach();
            var x0 = baseline.narrow(0, start, count);
            var gradient = Gradient(model, x, targets.Skip(start).Take(count).ToList(), new DeepLiftRule(), x0);
            parts.Add(gradient * x.Minus(x0));
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    static Tensor Occlusion(ImageClassifier model, Tensor input, IReadOnlyList<int> targets, AttributionOptions options)
    {
        int h = (int)input.shape[2], w = (int)input.shape[3], k = options.Window, s = options.Stride;
        if (k < 1 || s < 1) throw new TextureBiasException("the occlusion window and stride must be positive");
        if (k > h || k > w) throw new TextureBiasException($"the occlusion window ({k} px) is larger than the image ({w}x{h})");
        var windows = new List<(int Y, int X)>();
        for (int y = 0; y + k <= h; y += s)
            for (int x = 0; x + k <= w; x += s)
                windows.Add((y, x));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var baseline = Baseline(input, options);
        var parts = new List<Tensor>();
        for (int i = 0; i < input.shape[0]; i++)
        {
            using var imageScope = NewDisposeScope();
            var x = input.narrow(0, i, 1).detach();
            var x0 = baseline.narrow(0, i, 1);
            float clean = Devices.On(model.forward(x)[0, targets[i]], Devices.Cpu).item<float>();
            // The map is summed on the CPU (the logits come back there anyway; thousands of small window updates are host work).
            var sum = zeros(h, w, device: Devices.Cpu);
            var count = zeros(h, w, device: Devices.Cpu);
            foreach (var (start, n) in Chunks(windows.Count, options.BatchSize))
            {
                using var batchScope = NewDisposeScope();
                var copies = x.repeat(n, 1, 1, 1);
                for (int j = 0; j < n; j++)
                {
                    var (wy, wx) = windows[start + j];
                    SquareMask.Apply(copies[j], x0[0], wx, wy, k);
                }
                var logits = Devices.On(model.forward(copies).select(1, targets[i]), Devices.Cpu).data<float>().ToArray();
                for (int j = 0; j < n; j++)
                {
                    var (wy, wx) = windows[start + j];
                    using var drop = tensor(clean - logits[j], device: Devices.Cpu);
                    sum.narrow(0, wy, k).narrow(1, wx, k).add_(drop, SafeScalars.One);
                    count.narrow(0, wy, k).narrow(1, wx, k).add_(SafeScalars.One, SafeScalars.One);
                }
            }
            var map = where(count.gt(SafeScalars.Zero), sum.div(count.clamp_min(SafeScalars.One)), zeros_like(sum));
            parts.Add(Devices.On(map.unsqueeze(0).expand(3, h, w).unsqueeze(0).contiguous(), input.device).MoveToOuterDisposeScope());
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    static Tensor BagNetEvidence(BagNet model, Tensor input, IReadOnlyList<int> targets)
    {
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (int i = 0; i < input.shape[0]; i++)
            parts.Add(Heatmap.Dense(model, input[i].detach(), [targets[i]]).unsqueeze(0));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    static Tensor GaussianBlur(Tensor x, double sigma)
    {
        if (!(sigma > 0)) throw new TextureBiasException($"the blur baseline's sigma must be positive, not {sigma}");
        int radius = Math.Max(1, (int)Math.Ceiling(4 * sigma));
        var kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        double total = kernel.Sum();
        using var k1 = tensor(kernel.Select(v => (float)(v / total)).ToArray(), device: x.device);
        long c = x.shape[1];
        var horizontal = k1.view(1, 1, 1, -1).expand(c, 1, 1, 2 * radius + 1).contiguous();
        var vertical = k1.view(1, 1, -1, 1).expand(c, 1, 2 * radius + 1, 1).contiguous();
        var padded = functional.pad(x, [radius, radius, 0, 0], PaddingModes.Replicate);
        var rows = functional.conv2d(padded, horizontal, groups: c);
        padded = functional.pad(rows, [0, 0, radius, radius], PaddingModes.Replicate);
        return functional.conv2d(padded, vertical, groups: c);
    }

    static IEnumerable<(int Start, int Count)> Chunks(int total, int size)
    {
        for (int start = 0; start < total; start += size) yield return (start, Math.Min(size, total - start));
    }
}
