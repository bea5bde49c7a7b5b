namespace TextureBias.Models.Zoo;

/// <summary>What a weight file's SHA-256 is compared with.</summary>
public enum HashBasis
{
    /// <summary>The whole SHA-256 given by the registry.</summary>
    Registered,

    /// <summary>
    /// The whole SHA-256 recorded on this machine when a file with the registered hash prefix was
    /// first verified (trust on first use): later files must have exactly that hash.
    /// </summary>
    Recorded,

    /// <summary>Only the hash prefix in the file name (32 bits): nothing has been recorded yet.</summary>
    Prefix,
}
