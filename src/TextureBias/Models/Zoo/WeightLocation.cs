namespace TextureBias.Models.Zoo;

/// <summary>Where a registered weight file is on this machine.</summary>
public enum WeightLocation
{
    /// <summary>Not here: it would be downloaded.</summary>
    Missing,

    /// <summary>Partly downloaded: a fetch resumes it.</summary>
    Partial,

    /// <summary>In TextureBias's cache (checked when it was stored, and on use whenever it changed since).</summary>
    Cache,

    /// <summary>In PyTorch's hub cache; it is checked before its first use, and again whenever it changed since.</summary>
    TorchHub,
}
