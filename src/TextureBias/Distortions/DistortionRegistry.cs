namespace TextureBias.Distortions;

/// <summary>
/// The distortions by name. The reference's twelve are registered here (the eidolons from
/// <see cref="EidolonDistortion.All"/>); others can be added with <see cref="Register"/>.
/// </summary>
public static class DistortionRegistry
{
    static readonly object Gate = new();
    static readonly Dictionary<string, IDistortion> ByName = new(StringComparer.OrdinalIgnoreCase);

    static DistortionRegistry()
    {
        foreach (var d in new IDistortion[]
        {
            new ColourDistortion(), new ContrastDistortion(), new UniformNoiseDistortion(), new LowPassDistortion(),
            new HighPassDistortion(), new PhaseScramblingDistortion(), new PowerEqualisationDistortion(),
            new FalseColourDistortion(), new RotationDistortion(), new SaltAndPepperDistortion(),
        })
            ByName[d.Name] = d;
        foreach (var e in EidolonDistortion.All) ByName[e.Name] = e;
    }

    /// <summary>Adds (or replaces) a distortion under its name.</summary>
    public static void Register(IDistortion distortion)
    {
        lock (Gate) ByName[distortion.Name] = distortion;
    }

    /// <summary>The registered names, sorted.</summary>
    public static IReadOnlyList<string> Names
    {
        get { lock (Gate) return ByName.Keys.Order(StringComparer.Ordinal).ToArray(); }
    }

    /// <summary>The distortion called <paramref name="name"/>, or a <see cref="TextureBiasException"/> naming the known ones.</summary>
    public static IDistortion Get(string name)
    {
        lock (Gate)
            return ByName.TryGetValue(name.Trim(), out var d) ? d
                : throw new TextureBiasException($"unknown distortion '{name}' (known: {string.Join(", ", ByName.Keys.Order(StringComparer.Ordinal))})");
    }
}
