using TextureBias.Models;
using TextureBias.Models.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// PyTorch's <c>torch.optim.Adam</c> (no weight decay, no AMSGrad), as pytorch-AdaIN's train.py
/// uses it. Written here rather than taken from TorchSharp so that every Scalar stays alive across
/// its native call (see <see cref="SafeScalars"/>); its state saves to a weight file and loads back
/// exactly, so a resumed training goes on as an uninterrupted one. The moment estimates live on
/// the parameters' device; they are saved from the CPU and load back onto that device.
/// </summary>
public sealed class Adam : IDisposable
{
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;
    private readonly Tensor?[] _expAvg, _expAvgSq;
    private long _step;

    /// <summary>Optimises <paramref name="parameters"/>.</summary>
    public Adam(IEnumerable<TorchSharp.Modules.Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        _parameters = parameters.ToList();
        _expAvg = new Tensor?[_parameters.Count];
        _expAvgSq = new Tensor?[_parameters.Count];
        LearningRate = lr;
        (Beta1, Beta2, Eps) = (beta1, beta2, eps);
    }

    /// <summary>Learning rate (may change between steps).</summary>
    public double LearningRate { get; set; }

    /// <summary>Decay of the mean of the gradients.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the mean of the squared gradients.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator.</summary>
    public double Eps { get; }

    /// <summary>Clears the gradients.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>One step, as PyTorch's single-tensor Adam.</summary>
    /// <exception cref="TextureBiasException">The step size lr/(1 − β1^t) is no float32 number (a learning rate near float32's largest), where PyTorch fails too.</exception>
    public void Step()
    {
        using var noGrad = no_grad();
        double correction1 = 1 - Math.Pow(Beta1, _step + 1), correction2 = 1 - Math.Pow(Beta2, _step + 1);
        double size = LearningRate / correction1;
        if (!double.IsFinite(size) || Math.Abs(size) > float.MaxValue)
            throw new TextureBiasException($"Adam's step size lr/(1 - beta1^t) = {size:G3} is beyond float32: the learning rate {LearningRate:G3} is too large");
        _step++;
        using var beta1 = Beta1.ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var eps = Eps.ToScalar();
        using var stepSize = (-size).ToScalar();
        using var correction2Sqrt = tensor((float)Math.Sqrt(correction2), device: _parameters.Count > 0 ? _parameters[0].device : Devices.Cpu);
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            if (p.grad is not { } grad) continue;
            using var scope = NewDisposeScope();
            _expAvg[i] ??= zeros_like(p).DetachFromDisposeScope();
            _expAvgSq[i] ??= zeros_like(p).DetachFromDisposeScope();
            _expAvg[i]!.mul_(beta1).add_(grad, oneMinusBeta1);
            _expAvgSq[i]!.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            var denom = _expAvgSq[i]!.sqrt().div_(correction2Sqrt).add_(eps, SafeScalars.One);
            p.addcdiv_(_expAvg[i]!, denom, stepSize);
        }
    }

    /// <summary>Writes the step count and the moment estimates to a weight file, atomically.</summary>
    public void Save(string path)
    {
        using var scope = NewDisposeScope();
        var state = new Dictionary<string, Tensor> { ["step"] = tensor(new[] { _step }, device: Devices.Cpu) };
        for (int i = 0; i < _parameters.Count; i++)
        {
            if (_expAvg[i] is { } m) state[$"exp_avg.{i}"] = m;
            if (_expAvgSq[i] is { } v) state[$"exp_avg_sq.{i}"] = v;
        }
        WeightFile.Save(path, state);
    }

    /// <summary>Restores what <see cref="Save"/> wrote, onto the parameters' device.</summary>
    /// <exception cref="WeightFileException">The file is not this optimiser's state.</exception>
    public void Load(string path)
    {
        using var checkpoint = WeightFile.Read(path);
        var sd = checkpoint.StateDict;
        if (!sd.TryGetValue("step", out var step)) throw new WeightFileException(path, "not an Adam state (no step)");
        _step = step.to(ScalarType.Int64).reshape(-1)[0].item<long>();
        for (int i = 0; i < _parameters.Count; i++)
            foreach (var (key, slots) in new[] { ("exp_avg", _expAvg), ("exp_avg_sq", _expAvgSq) })
            {
                if (!sd.TryGetValue($"{key}.{i}", out var t)) continue;
                if (!t.shape.SequenceEqual(_parameters[i].shape)) throw new WeightFileException(path, $"{key}.{i} does not fit parameter {i}");
                slots[i]?.Dispose();
                slots[i] = Devices.On(t.to(_parameters[i].dtype), _parameters[i].device).clone().DetachFromDisposeScope();
            }
    }

    /// <summary>Frees the state.</summary>
    public void Dispose()
    {
        foreach (var t in _expAvg.Concat(_expAvgSq)) t?.Dispose();
    }
}
