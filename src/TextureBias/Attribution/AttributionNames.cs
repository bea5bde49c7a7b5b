namespace TextureBias.Attribution;

/// <summary>The command-line names of the attribution methods, baselines and integration rules.</summary>
public static class AttributionNames
{
    /// <summary>Method names: gradient-input, integrated-gradients, deeplift, occlusion, bagnet.</summary>
    public static IReadOnlyDictionary<string, AttributionMethod> Methods { get; } = new Dictionary<string, AttributionMethod>(StringComparer.OrdinalIgnoreCase)
    {
        ["gradient-input"] = AttributionMethod.GradientInput,
        ["integrated-gradients"] = AttributionMethod.IntegratedGradients,
        ["deeplift"] = AttributionMethod.DeepLift,
        ["occlusion"] = AttributionMethod.Occlusion,
        ["bagnet"] = AttributionMethod.BagNet,
    };

    /// <summary>Baseline names: zero, blur, mean.</summary>
    public static IReadOnlyDictionary<string, AttributionBaseline> Baselines { get; } = new Dictionary<string, AttributionBaseline>(StringComparer.OrdinalIgnoreCase)
    {
        ["zero"] = AttributionBaseline.Zero,
        ["blur"] = AttributionBaseline.Blur,
        ["mean"] = AttributionBaseline.Mean,
    };

    /// <summary>Integration rules, by captum's names: gausslegendre, riemann_trapezoid, riemann_left, riemann_right, riemann_middle.</summary>
    public static IReadOnlyDictionary<string, IntegrationRule> Rules { get; } = new Dictionary<string, IntegrationRule>(StringComparer.OrdinalIgnoreCase)
    {
        ["gausslegendre"] = IntegrationRule.GaussLegendre,
        ["riemann_trapezoid"] = IntegrationRule.RiemannTrapezoid,
        ["riemann_left"] = IntegrationRule.RiemannLeft,
        ["riemann_right"] = IntegrationRule.RiemannRight,
        ["riemann_middle"] = IntegrationRule.RiemannMiddle,
    };

    /// <summary>The value named <paramref name="name"/> in <paramref name="table"/>, or a <see cref="TextureBiasException"/> listing the names of <paramref name="what"/>.</summary>
    public static T Parse<T>(IReadOnlyDictionary<string, T> table, string name, string what) =>
        table.TryGetValue(name.Trim(), out var value) ? value
            : throw new TextureBiasException($"unknown {what} '{name}' (known: {string.Join(", ", table.Keys)})");

    /// <summary>The command-line name of <paramref name="method"/>.</summary>
    public static string Of(AttributionMethod method) => Methods.First(m => m.Value == method).Key;
}
