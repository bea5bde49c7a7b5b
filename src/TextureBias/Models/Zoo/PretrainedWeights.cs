using System.Text.RegularExpressions;

namespace TextureBias.Models.Zoo;

/// <summary>
/// One entry of the weight registry: a published weight file, where to get it and how to
/// check it, what it is and what it scores.
/// </summary>
/// <param name="Name">The name users type (<c>--weights bagnet33</c>).</param>
/// <param name="Kind">Classifier, AdaIN encoder or AdaIN decoder.</param>
/// <param name="Architecture">For classifiers, the architecture (<see cref="Architectures.Names"/>).</param>
/// <param name="File">The file's name, as published; it is also its name in the caches.</param>
/// <param name="Urls">Where to download it, the original first, then mirrors.</param>
/// <param name="Sha256">The whole SHA-256 where known; otherwise the file name's hash prefix is checked.</param>
/// <param name="TrainedOn">The training data and recipe, in a few words.</param>
/// <param name="Published">Published accuracy and shape bias.</param>
/// <param name="Licence">The licence of the weights, as far as the source states one.</param>
/// <param name="Source">Paper and repository.</param>
/// <param name="TorchHubFiles">Other names under which PyTorch's hub cache may hold the same weights.</param>
public sealed partial record PretrainedWeights(
    string Name,
    WeightKind Kind,
    string? Architecture,
    string File,
    IReadOnlyList<string> Urls,
    string? Sha256,
    string TrainedOn,
    PublishedResults? Published,
    string Licence,
    string Source,
    IReadOnlyList<string>? TorchHubFiles = null)
{
    /// <summary>
    /// torch.hub's convention: the hex digits after the first "-" and before a "." of a file name
    /// (<c>bagnet32-2ddd53ed.pth.tar</c> → <c>2ddd53ed</c>) are the start of the file's SHA-256.
    /// Null when the name carries none (fewer than 6 digits).
    /// </summary>
    public static string? HashPrefixOf(string fileName) =>
        HashInName().Match(fileName) is { Success: true } m && m.Groups[1].Value.Length >= 6 ? m.Groups[1].Value : null;

    /// <summary>What the file's SHA-256 must be (whole) or begin with (the name's prefix).</summary>
    public string ExpectedHash => Sha256 ?? HashPrefixOf(File) ?? throw new TextureBiasException($"weights '{Name}' have no hash to check");

    /// <summary>Whether <paramref name="sha256"/> (hex) is the hash this entry expects of <paramref name="fileName"/>.</summary>
    public bool Accepts(string sha256, string? fileName = null)
    {
        string expected = fileName is null || fileName == File ? ExpectedHash : HashPrefixOf(fileName) ?? ExpectedHash;
        return sha256.StartsWith(expected, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("-([a-f0-9]*)\\.")]
    private static partial Regex HashInName();
}
