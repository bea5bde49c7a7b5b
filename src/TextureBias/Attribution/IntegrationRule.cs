namespace TextureBias.Attribution;

/// <summary>How integrated gradients approximate the path integral with n steps (captum's <c>method</c> names).</summary>
public enum IntegrationRule
{
    /// <summary>Gauss–Legendre quadrature on [0, 1] (captum's default, <c>gausslegendre</c>).</summary>
    GaussLegendre,

    /// <summary>The trapezoid rule at n equally spaced points including both ends (<c>riemann_trapezoid</c>).</summary>
    RiemannTrapezoid,

    /// <summary>Left Riemann sum (<c>riemann_left</c>).</summary>
    RiemannLeft,

    /// <summary>Right Riemann sum (<c>riemann_right</c>).</summary>
    RiemannRight,

    /// <summary>Midpoint Riemann sum (<c>riemann_middle</c>).</summary>
    RiemannMiddle,
}
