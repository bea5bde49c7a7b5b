using System.Globalization;
using TextureBias.Imaging;

namespace TextureBias.Distortions;

/// <summary>
/// The three eidolon distortions of Geirhos et al. (2018) and model-vs-human: eidolon-I (coherence 1.0),
/// eidolon-II (0.3) and eidolon-III (0.0), all with grain 10, at reach 1, 2, 4, …, 128, named by condition strings
/// <c>reach-coherence×10-grain</c> ("8-10-10", "8-3-10", "8-0-10"). There is no undistorted level: even reach 0
/// is not the identity (it gives the image blurred at sigma 1/√2, the finest DOG level's lower edge).
/// </summary>
public static class Eidolons
{
    /// <summary>The distortion names.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "eidolon-I", "eidolon-II", "eidolon-III" };

    /// <summary>The grain (sigma of the incoherent noise) used for all three.</summary>
    public const double Grain = 10;

    /// <summary>The reaches of model-vs-human's eidolon experiments.</summary>
    public static IReadOnlyList<double> DefaultReaches { get; } = new double[] { 1, 2, 4, 8, 16, 32, 64, 128 };

    /// <summary>The coherence of eidolon-I/II/III (1.0, 0.3, 0.0).</summary>
    public static double Coherence(string name) => name switch
    {
        "eidolon-I" => 1.0,
        "eidolon-II" => 0.3,
        "eidolon-III" => 0.0,
        _ => throw new TextureBiasException($"unknown eidolon distortion '{name}' (known: {string.Join(", ", Names)})"),
    };

    /// <summary>The condition string of model-vs-human for <paramref name="name"/> at <paramref name="reach"/>, e.g. "16-3-10".</summary>
    public static string Condition(string name, double reach) =>
        string.Create(CultureInfo.InvariantCulture, $"{reach:R}-{Math.Round(Coherence(name) * 10):R}-{Grain:R}");

    /// <summary>
    /// The eidolon of <paramref name="image"/> (grey, in three equal channels; see
    /// <see cref="EidolonDisarray.PartiallyCoherent(RgbImage, double, double, double, Func{double})"/>). For the
    /// published stimuli's noise, pass <c>new NumpyRandomState(seed).StandardNormal</c>.
    /// </summary>
    public static RgbImage Apply(RgbImage image, string name, double reach, Func<double> standardNormal) =>
        EidolonDisarray.PartiallyCoherent(image, reach, Coherence(name), Grain, standardNormal);
}
