namespace TextureBias.Demo;

/// <summary>The image sets of the texture–shape world.</summary>
public enum WorldSet
{
    /// <summary>Training images whose shape usually wears its own class's texture family (texture predicts the class, as on ImageNet).</summary>
    NaturalTrain,

    /// <summary>Training images with textures drawn at random (the role of Stylized-ImageNet).</summary>
    StylizedTrain,

    /// <summary>Test images from the natural distribution.</summary>
    NaturalTest,

    /// <summary>Test images from the stylized distribution.</summary>
    StylizedTest,

    /// <summary>Shape of one class, texture family of another, named like texture-vs-shape's stimuli (<c>house/house3-star3.png</c>).</summary>
    CueConflict,

    /// <summary>Black silhouettes on white.</summary>
    Silhouettes,
}
