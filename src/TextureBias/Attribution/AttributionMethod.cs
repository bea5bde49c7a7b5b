namespace TextureBias.Attribution;

/// <summary>How an attribution heatmap is computed (<see cref="Attributions"/>).</summary>
public enum AttributionMethod
{
    /// <summary>Gradient of the class logit times the input (Shrikumar et al. 2016).</summary>
    GradientInput,

    /// <summary>Integrated gradients (Sundararajan et al. 2017): (x − x₀) times the mean gradient on the straight path from the baseline x₀ to x.</summary>
    IntegratedGradients,

    /// <summary>DeepLIFT with the Rescale rule (Shrikumar et al. 2017), as captum computes it: (x − x₀) times the modified gradient.</summary>
    DeepLift,

    /// <summary>Occlusion (Zeiler &amp; Fergus 2014), as captum: the logit's drop when a window is replaced by the baseline, averaged over the windows covering each pixel.</summary>
    Occlusion,

    /// <summary>A BagNet's exact class evidence: the logit of the patch centred on each pixel.</summary>
    BagNet,
}
