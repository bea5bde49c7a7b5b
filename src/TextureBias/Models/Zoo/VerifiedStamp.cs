namespace TextureBias.Models.Zoo;

/// <summary>
/// One record of <see cref="VerifiedStamps"/>: the whole SHA-256 verified for a registered file
/// name, and which file was last seen to have it (null <paramref name="Path"/>: none now, e.g.
/// after that file failed a check; the hash stays recorded).
/// </summary>
/// <param name="File">The registered file name.</param>
/// <param name="Sha256">The whole SHA-256, lower-case hex.</param>
/// <param name="Path">The full path of the file that had it.</param>
/// <param name="Bytes">Its size then.</param>
/// <param name="ModifiedTicks">Its modification time then (UTC ticks).</param>
/// <param name="Verified">When it was hashed (UTC).</param>
internal sealed record VerifiedStamp(string File, string Sha256, string? Path, long Bytes, long ModifiedTicks, DateTime Verified)
{
    /// <summary>Whether <paramref name="file"/> is the file stamped, unchanged (same full path, size and modification time).</summary>
    public bool Describes(FileSnapshot file) => Path == file.FullPath && Bytes == file.Bytes && ModifiedTicks == file.ModifiedTicks;
}
