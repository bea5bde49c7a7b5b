using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Training;

/// <summary>
/// PyTorch's SGD with momentum and weight decay (dampening 0, no Nesterov), written out so its
/// state (the momentum buffers) is saved in PyTorch's optimizer format and restored exactly.
/// </summary>
public sealed class Sgd : IDisposable
{
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;
    private readonly Tensor?[] _buffers;

    /// <summary>Optimises <paramref name="parameters"/>.</summary>
    public Sgd(IEnumerable<TorchSharp.Modules.Parameter> parameters, double lr, double momentum = 0.9, double weightDecay = 1e-4)
    {
        _parameters = parameters.ToList();
        _buffers = new Tensor?[_parameters.Count];
        LearningRate = lr;
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    /// <summary>The current learning rate.</summary>
    public double LearningRate { get; set; }

    /// <summary>Momentum.</summary>
    public double Momentum { get; }

    /// <summary>Weight decay (L2, applied to all parameters as pytorch/examples does).</summary>
    public double WeightDecay { get; }

    /// <summary>Clears the gradients.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>One step: d = grad + wd·p; buf = momentum·buf + d (buf = d at first); p −= lr·buf.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        // Scalars held for the whole step (see SafeScalars).
        using var weightDecay = WeightDecay.ToScalar();
        using var momentum = Momentum.ToScalar();
        using var step = (-LearningRate).ToScalar();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            if (p.grad is null) continue;
            using var scope = NewDisposeScope();
            var d = WeightDecay != 0 ? p.grad.add(p, weightDecay) : p.grad;
            if (Momentum != 0)
            {
                if (_buffers[i] is null) _buffers[i] = d.clone().DetachFromDisposeScope();
                else _buffers[i]!.mul_(momentum).add_(d, SafeScalars.One);
                d = _buffers[i]!;
            }
            p.add_(d, step);
        }
    }

    /// <summary>
    /// PyTorch's <c>optimizer.state_dict()</c> for this SGD; with <paramref name="on"/>, the
    /// momentum buffers on that device (copies owned by the current dispose scope where they are
    /// elsewhere: a checkpoint is written from the CPU).
    /// </summary>
    public Dictionary<string, object?> StateDict(Device? on = null)
    {
        var state = new Dictionary<int, object?>();
        for (int i = 0; i < _buffers.Length; i++)
            if (_buffers[i] is { } b) state[i] = new Dictionary<string, object?> { ["momentum_buffer"] = on is null ? b : Devices.On(b, on) };
        var group = new Dictionary<string, object?>
        {
            ["lr"] = LearningRate, ["momentum"] = Momentum, ["dampening"] = 0.0, ["weight_decay"] = WeightDecay,
            ["nesterov"] = false, ["maximize"] = false, ["foreach"] = null, ["differentiable"] = false,
            ["params"] = Enumerable.Range(0, _parameters.Count).ToList(),
        };
        return new Dictionary<string, object?> { ["state"] = state, ["param_groups"] = new List<object?> { group } };
    }

    /// <summary>Restores momentum buffers by parameter index (copied to each parameter's device and type).</summary>
    public void LoadBuffers(IReadOnlyDictionary<int, Tensor> buffers)
    {
        foreach (var (i, t) in buffers)
        {
            if (i < 0 || i >= _buffers.Length || !t.shape.SequenceEqual(_parameters[i].shape))
                throw new TextureBiasException($"optimizer state does not fit the model (parameter {i})");
            _buffers[i]?.Dispose();
            _buffers[i] = t.to(_parameters[i].dtype, _parameters[i].device, copy: true).DetachFromDisposeScope();
        }
    }

    /// <summary>Frees the buffers.</summary>
    public void Dispose()
    {
        foreach (var b in _buffers) b?.Dispose();
    }
}
