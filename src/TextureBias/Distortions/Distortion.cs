using System.Globalization;

namespace TextureBias.Distortions;

/// <summary>Common level handling: a level is a known condition string or a number in the distortion's range.</summary>
public abstract class Distortion : IDistortion
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<DistortionLevel> Levels { get; }

    /// <inheritdoc />
    public virtual bool IsRandom => false;

    /// <summary>What a numeric level means and its valid range, for error messages (e.g. "a contrast in [0, 1]").</summary>
    protected abstract string LevelHelp { get; }

    /// <summary>Whether a numeric level is valid.</summary>
    protected abstract bool IsValid(double value);

    /// <summary>The condition string of a numeric level that is not one of <see cref="Levels"/>.</summary>
    protected virtual string ConditionOf(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public DistortionLevel ParseLevel(string text)
    {
        var t = text.Trim();
        foreach (var l in Levels)
            if (string.Equals(l.Condition, t, StringComparison.OrdinalIgnoreCase)) return l;
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            foreach (var l in Levels)
                if (l.Value.Equals(v)) return l;
            if (IsValid(v)) return new DistortionLevel(v, ConditionOf(v));
        }
        throw new TextureBiasException($"{Name}: level '{text}' is not {LevelHelp} (the reference's levels: {string.Join(", ", Levels.Select(l => l.Condition))})");
    }

    /// <inheritdoc />
    public abstract FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise);

    /// <summary>Levels from (value, condition) pairs.</summary>
    protected static IReadOnlyList<DistortionLevel> L(params (double Value, string Condition)[] levels) =>
        levels.Select(l => new DistortionLevel(l.Value, l.Condition)).ToArray();

    /// <summary>Levels whose condition strings are the values as written.</summary>
    protected static IReadOnlyList<DistortionLevel> L(params string[] conditions) =>
        conditions.Select(c => new DistortionLevel(double.Parse(c, CultureInfo.InvariantCulture), c)).ToArray();
}
