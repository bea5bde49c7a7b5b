namespace TextureBias.Distortions;

/// <summary>One distortion of the reference generation code (rgeirhos/generalisation-humans-DNNs).</summary>
public interface IDistortion
{
    /// <summary>The name used on the command line, e.g. <c>uniform-noise</c>.</summary>
    string Name { get; }

    /// <summary>The default levels (model-vs-human's conditions), the undistorted one first.</summary>
    IReadOnlyList<DistortionLevel> Levels { get; }

    /// <summary>Whether the distortion draws random numbers.</summary>
    bool IsRandom { get; }

    /// <summary>A level from a condition string (<c>c10</c>) or a number (<c>0.1</c>); throws <see cref="TextureBiasException"/> if invalid.</summary>
    DistortionLevel ParseLevel(string text);

    /// <summary>The distorted image (values in [0, 1]); <paramref name="noise"/> is used only by random distortions.</summary>
    FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise);
}
