namespace TextureBias.Attribution;

/// <summary>Gauss–Legendre quadrature nodes and weights (as numpy's <c>leggauss</c>), by Newton's method on the Legendre polynomial.</summary>
public static class GaussLegendre
{
    /// <summary>The n nodes in (−1, 1), ascending, and their weights (summing to 2).</summary>
    public static (double[] Nodes, double[] Weights) On(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "at least one node");
        var x = new double[n];
        var w = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++)
        {
            // Tricomi's initial guess for the i-th largest root, then Newton.
            double z = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                var (p, d) = Legendre(n, z);
                dp = d;
                double dz = p / d;
                z -= dz;
                if (Math.Abs(dz) < 1e-16) break;
            }
            dp = Legendre(n, z).Derivative;
            double weight = 2 / ((1 - z * z) * dp * dp);
            x[n - 1 - i] = z;
            x[i] = -z;
            w[n - 1 - i] = weight;
            w[i] = weight;
        }
        if (n % 2 == 1) x[n / 2] = 0;
        return (x, w);
    }

    /// <summary>The points in [0, 1] and weights (summing to 1) of integrated gradients' <paramref name="rule"/> with <paramref name="steps"/> points (captum's <c>approximation_parameters</c>).</summary>
    public static (double[] Alphas, double[] Weights) Path(IntegrationRule rule, int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), "at least one step");
        switch (rule)
        {
            case IntegrationRule.GaussLegendre:
                var (nodes, weights) = On(steps);
                return (nodes.Select(v => 0.5 * (v + 1)).ToArray(), weights.Select(v => 0.5 * v).ToArray());
            case IntegrationRule.RiemannTrapezoid:
                if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), "the trapezoid rule needs at least two steps");
                return (Enumerable.Range(0, steps).Select(i => (double)i / (steps - 1)).ToArray(),
                    Enumerable.Range(0, steps).Select(i => (i == 0 || i == steps - 1 ? 0.5 : 1.0) / (steps - 1)).ToArray());
            case IntegrationRule.RiemannLeft:
                return (Enumerable.Range(0, steps).Select(i => (double)i / steps).ToArray(), Enumerable.Repeat(1.0 / steps, steps).ToArray());
            case IntegrationRule.RiemannRight:
                return (Enumerable.Range(1, steps).Select(i => (double)i / steps).ToArray(), Enumerable.Repeat(1.0 / steps, steps).ToArray());
            case IntegrationRule.RiemannMiddle:
                return (Enumerable.Range(0, steps).Select(i => (i + 0.5) / steps).ToArray(), Enumerable.Repeat(1.0 / steps, steps).ToArray());
            default:
                throw new ArgumentOutOfRangeException(nameof(rule));
        }
    }

    static (double Value, double Derivative) Legendre(int n, double z)
    {
        double p0 = 1, p1 = z;
        for (int k = 2; k <= n; k++)
        {
            double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        double p = n == 0 ? 1 : p1;
        double prev = n == 0 ? 0 : p0;
        double d = n * (z * p - prev) / (z * z - 1);
        return (p, d);
    }
}
