using TextureBias.Attribution;
using TextureBias.Models;

namespace TextureBias.Comparison;

/// <summary>
/// How the patches of an image are ordered for masking (<see cref="FeatureSensitivity"/>): by a BagNet's class evidence
/// (one order shared by every model), by each model's own attribution heatmap, or at random (the baseline). A patch's
/// score is the sum of the heatmap of the true class over its pixels; the highest scores are masked first.
/// </summary>
/// <param name="Name">The ranking's name in results (<c>bagnet33</c>, <c>own:deeplift</c>, <c>random</c>).</param>
/// <param name="BagNet">The BagNet whose evidence orders the patches, or null.</param>
/// <param name="OwnMethod">The attribution method each model orders its own patches by, or null.</param>
public sealed record PatchRanking(string Name, BagNet? BagNet = null, AttributionMethod? OwnMethod = null)
{
    /// <summary>Random order (seeded per image).</summary>
    public static PatchRanking Random { get; } = new("random");

    /// <summary>Each model's own heatmap by <paramref name="method"/>.</summary>
    public static PatchRanking Own(AttributionMethod method) => new("own:" + AttributionNames.Of(method), OwnMethod: method);

    /// <summary>The class evidence of <paramref name="bagnet"/>, named <paramref name="name"/>.</summary>
    public static PatchRanking ByBagNet(string name, BagNet bagnet) => new(name, BagNet: bagnet);
}
