using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// PyTorch's <c>torch.optim.LBFGS</c> (lr 1, 20 iterations per step, history 100, no line
/// search, the same tolerances) for one tensor, as Gatys et al.'s texture synthesis and style
/// transfer use it to optimise an image. Written here rather than taken from TorchSharp so that
/// every Scalar stays alive across its native call (see <see cref="SafeScalars"/>).
/// </summary>
public sealed class Lbfgs : IDisposable
{
    private readonly Tensor _x;
    private readonly List<Tensor> _dirs = new(), _steps = new();
    private readonly List<double> _ro = new();
    private Tensor? _d, _prevGrad;
    private double _t, _hDiag = 1;
    private int _iterations;

    /// <summary>Optimises <paramref name="x"/> (a leaf tensor that requires grad).</summary>
    public Lbfgs(Tensor x, double lr = 1, int maxIter = 20, int historySize = 100, double toleranceGrad = 1e-7, double toleranceChange = 1e-9)
    {
        if (!x.requires_grad) throw new ArgumentException("the tensor to optimise must require grad");
        _x = x;
        LearningRate = lr;
        MaxIter = maxIter;
        MaxEval = maxIter * 5 / 4;
        HistorySize = historySize;
        ToleranceGrad = toleranceGrad;
        ToleranceChange = toleranceChange;
    }

    /// <summary>Step length.</summary>
    public double LearningRate { get; }

    /// <summary>Iterations per <see cref="Step"/>.</summary>
    public int MaxIter { get; }

    /// <summary>Loss evaluations per <see cref="Step"/> (1.25 × <see cref="MaxIter"/>).</summary>
    public int MaxEval { get; }

    /// <summary>Curvature pairs kept.</summary>
    public int HistorySize { get; }

    /// <summary>Stop when the largest gradient entry is at most this.</summary>
    public double ToleranceGrad { get; }

    /// <summary>Stop when the loss or the step changes less than this.</summary>
    public double ToleranceChange { get; }

    /// <summary>
    /// Runs up to <see cref="MaxIter"/> iterations. <paramref name="closure"/> zeroes the
    /// gradient, computes the loss, calls <c>backward()</c> and returns the loss as a number.
    /// Returns the loss before the step.
    /// </summary>
    public double Step(Func<double> closure)
    {
        double origLoss = closure(), loss = origLoss;
        int evals = 1;
        var g = FlatGrad();
        if (MaxAbs(g) <= ToleranceGrad) { g.Dispose(); return origLoss; }
        for (int n = 1; n <= MaxIter; n++)
        {
            _iterations++;
            using (no_grad())
            {
                if (_iterations == 1)
                {
                    _d?.Dispose();
                    _d = g.neg();
                    _hDiag = 1;
                }
                else
                {
                    using (var scope = NewDisposeScope())
                    {
                        var y = g.Minus(_prevGrad!);
                        using var tScalar = _t.ToScalar();
                        var s = _d!.mul(tScalar);
                        double ys = y.dot(s).item<float>();
                        if (ys > 1e-10)
                        {
                            if (_dirs.Count == HistorySize)
                            {
                                _dirs[0].Dispose(); _dirs.RemoveAt(0);
                                _steps[0].Dispose(); _steps.RemoveAt(0);
                                _ro.RemoveAt(0);
                            }
                            _dirs.Add(y.DetachFromDisposeScope());
                            _steps.Add(s.DetachFromDisposeScope());
                            _ro.Add(1.0 / ys);
                            _hDiag = ys / y.dot(y).item<float>();
                        }
                        var al = new double[_dirs.Count];
                        var q = g.neg();
                        for (int i = _dirs.Count - 1; i >= 0; i--)
                        {
                            al[i] = _steps[i].dot(q).item<float>() * _ro[i];
                            using var a = (-al[i]).ToScalar();
                            q.add_(_dirs[i], a);
                        }
                        using var h = _hDiag.ToScalar();
                        var r = q.mul(h);
                        for (int i = 0; i < _dirs.Count; i++)
                        {
                            double be = _dirs[i].dot(r).item<float>() * _ro[i];
                            using var a = (al[i] - be).ToScalar();
                            r.add_(_steps[i], a);
                        }
                        _d!.Dispose();
                        _d = r.DetachFromDisposeScope();
                    }
                }
                _prevGrad?.Dispose();
                _prevGrad = g.clone();
                _t = _iterations == 1 ? Math.Min(1.0, 1.0 / g.abs().sum().item<float>()) * LearningRate : LearningRate;
            }
            double gtd;
            using (no_grad()) gtd = g.dot(_d!).item<float>();
            if (gtd > -ToleranceChange) break;
            double prevLoss = loss;
            using (no_grad())
            {
                using var tScalar = _t.ToScalar();
                _x.add_(_d!.view_as(_x), tScalar);
            }
            bool optimal = false;
            if (n != MaxIter)
            {
                loss = closure();
                evals++;
                g.Dispose();
                g = FlatGrad();
                optimal = MaxAbs(g) <= ToleranceGrad;
            }
            if (n == MaxIter || evals >= MaxEval || optimal) break;
            using (no_grad())
                if (MaxAbs(_d!) * Math.Abs(_t) <= ToleranceChange) break;
            if (Math.Abs(loss - prevLoss) < ToleranceChange) break;
        }
        g.Dispose();
        return origLoss;
    }

    private Tensor FlatGrad()
    {
        using var noGrad = no_grad();
        return _x.grad is { } grad ? grad.reshape(-1).clone() : zeros_like(_x).reshape(-1);
    }

    private static double MaxAbs(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.abs().max().item<float>();
    }

    /// <summary>Frees the history.</summary>
    public void Dispose()
    {
        foreach (var t in _dirs.Concat(_steps)) t.Dispose();
        _d?.Dispose();
        _prevGrad?.Dispose();
    }
}
