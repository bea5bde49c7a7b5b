namespace TextureBias.Models.Zoo;

/// <summary>
/// What the SHA-256 of one weight file must be: the registry's whole hash; else the whole hash
/// recorded on this machine when a file of this name was first verified (trust on first use);
/// else the hash prefix in the file's registered name (torch.hub's convention, 32 bits).
/// </summary>
/// <param name="FileName">The registered file name this applies to (the entry's file, or one of its PyTorch hub aliases).</param>
/// <param name="Registered">The registry's whole SHA-256, or null.</param>
/// <param name="Prefix">The hash prefix in <paramref name="FileName"/>, or null.</param>
/// <param name="Recorded">The whole SHA-256 recorded here on first verification; null when none, or when a whole hash is registered (which wins).</param>
public sealed record WeightHash(string FileName, string? Registered, string? Prefix, string? Recorded)
{
    /// <summary>What a file is compared with.</summary>
    public HashBasis Basis => Registered is not null ? HashBasis.Registered : Recorded is not null ? HashBasis.Recorded : HashBasis.Prefix;

    /// <summary>The whole hash a file must have, or the prefix it must begin with.</summary>
    public string Expected => Registered ?? Recorded ?? Prefix ?? throw new TextureBiasException($"{FileName}: no hash to check");

    /// <summary>Whether a file whose SHA-256 is <paramref name="sha256"/> is the right one.</summary>
    public bool Accepts(string sha256) => Refusal(sha256) is null;

    /// <summary>Why a file whose SHA-256 is <paramref name="sha256"/> is not the right one (a phrase naming both hashes), or null when it is.</summary>
    public string? Refusal(string sha256)
    {
        if (Registered is not null)
            return Same(sha256, Registered) ? null : $"SHA-256 {sha256} is not the registered {Registered}";
        bool prefixOk = Prefix is null || sha256.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);
        if (Recorded is not null && !Same(sha256, Recorded))
            return prefixOk
                ? $"SHA-256 {sha256} begins with the registered prefix {Prefix} but is not the {Recorded} recorded when {FileName} was first verified on this machine"
                : $"SHA-256 {sha256} is not the {Recorded} recorded when {FileName} was first verified on this machine (nor does it begin with the registered prefix {Prefix})";
        if (!prefixOk)
            return $"SHA-256 {sha256} does not begin with {Prefix}, the hash prefix of {FileName}";
        return Prefix is null && Recorded is null ? $"{FileName} has no registered hash" : null;
    }

    /// <summary>One phrase for people: "registered 0676ba61…", "recorded here …", "prefix 2ddd53ed only".</summary>
    public string Describe() => Basis switch
    {
        HashBasis.Registered => $"registered SHA-256 {Registered}",
        HashBasis.Recorded => $"SHA-256 {Recorded} recorded here on first verification (the registry gives only the prefix {Prefix})",
        _ => $"hash prefix {Prefix} only (the whole SHA-256 is recorded on first verification)",
    };

    /// <summary>
    /// The rule for the registered file name <paramref name="fileName"/> (its prefix is taken from it):
    /// <paramref name="recorded"/> counts only without a <paramref name="registered"/> hash, and only
    /// if it is a whole hash with the name's prefix.
    /// </summary>
    public static WeightHash For(string fileName, string? registered, string? recorded)
    {
        string? prefix = PretrainedWeights.HashPrefixOf(fileName);
        bool usable = registered is null && recorded is { Length: 64 } && recorded.All(Uri.IsHexDigit)
            && (prefix is null || recorded.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        return new WeightHash(fileName, registered?.ToLowerInvariant(), prefix, usable ? recorded!.ToLowerInvariant() : null);
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
