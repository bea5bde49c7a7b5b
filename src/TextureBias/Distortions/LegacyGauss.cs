namespace TextureBias.Distortions;

/// <summary>
/// numpy's <c>legacy_gauss</c> on any uniform source: the polar Box–Muller method, which makes two
/// standard normals from two uniforms in [0, 1) and keeps the second for the next call. On numpy's
/// own stream (<see cref="NumpyRandomState"/>) it is <c>RandomState.standard_normal()</c>.
/// </summary>
internal sealed class LegacyGauss(Func<double> uniform)
{
    private bool _has;
    private double _next;

    public double Next()
    {
        if (_has)
        {
            _has = false;
            return _next;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * uniform() - 1.0;
            x2 = 2.0 * uniform() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _next = f * x1;
        _has = true;
        return f * x2;
    }
}
