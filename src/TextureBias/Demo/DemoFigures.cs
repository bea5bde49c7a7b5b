namespace TextureBias.Demo;

/// <summary>The figure files of a demo run.</summary>
/// <param name="World">Example images of every set.</param>
/// <param name="ShapeBias">The shape-bias plot of the four networks.</param>
/// <param name="Heatmaps">BagNet heatmaps of cue-conflict images, with the network's label.</param>
/// <param name="Patches">The BagNets' most informative patches, with the network's label.</param>
public sealed record DemoFigures(string World, string ShapeBias, IReadOnlyList<(string Model, string File)> Heatmaps, IReadOnlyList<(string Model, string File)> Patches)
{
    /// <summary>The comparison with the BagNet (its report and figures), when made.</summary>
    internal DemoComparison.Files? Comparison { get; init; }

    /// <summary>The detection section (its numbers and figure), when made.</summary>
    public DetectionDemoResult? Detection { get; init; }
}
