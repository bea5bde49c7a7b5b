using System.Text.RegularExpressions;

namespace TextureBias.Models.Zoo;

/// <summary>
/// One entry of the weight registry: a published weight file, where to get it and how to
/// check it, what it is and what it scores.
/// </summary>
/// <param name="Name">The name users type (<c>--weights bagnet33</c>).</param>
/// <param name="Kind">Classifier, detector, AdaIN encoder or AdaIN decoder.</param>
/// <param name="Architecture">For classifiers, the architecture (<see cref="Architectures.Names"/>).</param>
/// <param name="File">The file's name, as published; it is also its name in the caches.</param>
/// <param name="Urls">Where to download it (https only), the original first, then mirrors.</param>
/// <param name="Sha256">The whole SHA-256 where known; otherwise the file name's hash prefix is checked (and the whole hash recorded on first verification).</param>
/// <param name="TrainedOn">The training data and recipe, in a few words.</param>
/// <param name="Published">Published accuracy and shape bias.</param>
/// <param name="Licence">The licence of the weights, as far as the source states one.</param>
/// <param name="Source">Paper and repository.</param>
/// <param name="TorchHubFiles">Other names under which PyTorch's hub cache may hold the same weights (each checked against its own name's hash prefix, and only there).</param>
/// <param name="Size">The file's exact size in bytes, where known.</param>
/// <param name="MaxSize">An upper bound on the file's size in bytes, where the exact size is not known.</param>
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
    IReadOnlyList<string>? TorchHubFiles = null,
    long? Size = null,
    long? MaxSize = null)
{
    /// <summary>
    /// torch.hub's convention: the hex digits after the first "-" and before a "." of a file name
    /// (<c>bagnet32-2ddd53ed.pth.tar</c> → <c>2ddd53ed</c>) are the start of the file's SHA-256.
    /// Null when the name carries none (fewer than 6 digits).
    /// </summary>
    public static string? HashPrefixOf(string fileName) =>
        HashInName().Match(fileName) is { Success: true } m && m.Groups[1].Value.Length >= 6 ? m.Groups[1].Value : null;

    /// <summary>What the registry says the file's SHA-256 is (whole) or begins with (the prefix in <see cref="File"/>).</summary>
    public string ExpectedHash => Sha256 ?? HashPrefixOf(File) ?? throw new TextureBiasException($"weights '{Name}' have no hash to check");

    /// <summary>
    /// Whether <paramref name="sha256"/> (hex) is the registered hash of <see cref="File"/>: equal to
    /// <see cref="Sha256"/>, or beginning with <see cref="File"/>'s hash prefix when no whole hash is
    /// registered. Only the registry counts: the name of the file being checked never does. A hash
    /// recorded on this machine (<see cref="WeightHash"/>) is checked by <see cref="ModelZoo"/> on top.
    /// </summary>
    public bool Accepts(string sha256) => Sha256 is not null
        ? string.Equals(sha256, Sha256, StringComparison.OrdinalIgnoreCase)
        : sha256.StartsWith(ExpectedHash, StringComparison.OrdinalIgnoreCase);

    /// <summary>The most bytes a download may have: <see cref="Size"/>, else <see cref="MaxSize"/> (null for neither).</summary>
    public long? SizeLimit => Size ?? MaxSize;

    [GeneratedRegex("-([a-f0-9]*)\\.")]
    private static partial Regex HashInName();
}
