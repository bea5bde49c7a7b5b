using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using TextureBias.Models.Zoo;
using Xunit;

namespace TextureBias.Tests.Models.Zoo;

/// <summary>
/// Issue 14: a local weight file is used only with the registered (or recorded) hash. Imports are
/// checked against the registry, never the imported file's own name; cached files are checked when
/// used (hashed again only when their stamp no longer describes them); the first whole hash
/// verified for a prefix-only entry is recorded and later files are held to it.
/// </summary>
public sealed class ZooTrustTests : ZooTest
{
    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private JsonNode ReadStamp(string fileName) => JsonNode.Parse(File.ReadAllText(Stamp(fileName)))!;

    private void AssertCacheEmpty() =>
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFileSystemEntries(cache, "*", SearchOption.AllDirectories).Any(),
            "something was written to the cache");

    [Fact]
    public async Task ImportRefusesAForeignFileRenamedToCarryItsOwnHashPrefix()
    {
        // The defect: a file called anything-<its own 8 hex>.pth.tar was installed as the official BagNet-33.
        string renamed = Path.Combine(_dir, $"anything-{sha[..8]}.pth.tar");
        File.WriteAllBytes(renamed, bytes);
        using var zoo = new ModelZoo(WeightRegistry.BuiltIn, new ZooOptions { CacheDir = cache, TorchHubDir = hub, Offline = true, Log = log.Enqueue });
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.ImportAsync("bagnet33", renamed));
        Assert.Equal(FetchFailure.HashMismatch, e.Failure);
        Assert.StartsWith($"{renamed}: not imported as bagnet33: its SHA-256 {sha} does not begin with 2ddd53ed", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        AssertCacheEmpty();
        Assert.Null(await zoo.LocateAsync("bagnet33"));

        // Named exactly as the registered file, it is refused all the same.
        string sameName = Path.Combine(_dir, "bagnet32-2ddd53ed.pth.tar");
        File.Copy(renamed, sameName);
        await Assert.ThrowsAsync<WeightFetchException>(() => zoo.ImportAsync("bagnet33", sameName));
        AssertCacheEmpty();
    }

    [Fact]
    public async Task AHubAliasCountsOnlyForFilesInPyTorchsHubCache()
    {
        // The entry's own file has another hash; the alias's prefix is that of our bytes.
        string alias = $"tiny-old-{sha[..8]}.pth";
        var entry = Entry("tiny-bagnet9-abcdef12.pth", Url) with { TorchHubFiles = new[] { alias } };
        string copy = Path.Combine(_dir, alias);
        File.WriteAllBytes(copy, bytes);
        using var zoo = Zoo(entry, new ZooOptions { Offline = true });
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.ImportAsync("tiny", copy));
        Assert.Contains("abcdef12", e.Message);
        AssertCacheEmpty();

        // In the hub cache, under that alias, it is the file (and its check is stamped under the alias).
        Directory.CreateDirectory(hub);
        File.Copy(copy, Path.Combine(hub, alias));
        Assert.Equal(Path.Combine(hub, alias), await zoo.LocateAsync("tiny"));
        Assert.Equal(sha, ReadStamp(alias)["sha256"]!.GetValue<string>());
        Assert.True((await zoo.VerifyAsync("tiny"))!.Ok);

        // A file of the hub cache with a name that is not registered is not even looked at.
        File.Move(Path.Combine(hub, alias), Path.Combine(hub, $"unregistered-{sha[..8]}.pth"));
        Assert.Null(await zoo.LocateAsync("tiny"));
    }

    [Fact]
    public async Task ImportAndDownloadStampTheWholeHash()
    {
        string copy = Path.Combine(_dir, "copy.pth");
        File.WriteAllBytes(copy, bytes);
        using var zoo = Zoo(Entry(file, Url));
        var entry = zoo.Registry.Get("tiny");
        Assert.Equal(HashBasis.Prefix, zoo.Hash(entry).Basis);
        string path = await zoo.ImportAsync("tiny", copy);
        var stamp = ReadStamp(file);
        Assert.Equal(sha, stamp["sha256"]!.GetValue<string>());
        Assert.Equal(Path.GetFullPath(path), stamp["path"]!.GetValue<string>());
        Assert.Equal(bytes.Length, stamp["bytes"]!.GetValue<long>());
        Assert.Equal(new FileInfo(path).LastWriteTimeUtc.Ticks, stamp["modifiedTicks"]!.GetValue<long>());
        Assert.Equal(HashBasis.Recorded, zoo.Hash(entry).Basis);
        Assert.Equal(sha, zoo.Status(entry).Hash.Recorded);

        File.Delete(path);
        File.Delete(Stamp(file));
        Assert.Equal(path, await zoo.FetchAsync("tiny"));
        Assert.Equal(sha, ReadStamp(file)["sha256"]!.GetValue<string>());
        Assert.Equal(0, Hashings); // both hashed the file themselves: no check on use was needed
    }

    [Fact]
    public async Task AnUnchangedCachedFileIsNotHashedAgain()
    {
        using var zoo = Zoo(Entry(file, Url));
        string path = await zoo.FetchAsync("tiny");
        for (int i = 0; i < 3; i++) Assert.Equal(path, await zoo.LocateAsync("tiny"));
        Assert.Equal(0, Hashings);

        // A new time (same bytes): hashed once, then trusted again.
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-5));
        Assert.Equal(path, await zoo.LocateAsync("tiny"));
        Assert.Equal(path, await zoo.LocateAsync("tiny"));
        Assert.Equal(1, Hashings);

        // A file cached before stamps existed: hashed on first use, then stamped.
        File.Delete(Stamp(file));
        Assert.Equal(path, await zoo.LocateAsync("tiny"));
        Assert.Equal(path, zoo.Resolve("tiny", WeightKind.Classifier));
        Assert.Equal(2, Hashings);
        Assert.Equal(sha, ReadStamp(file)["sha256"]!.GetValue<string>());
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ACachedFileAlteredAfterImportIsRefusedOnUse()
    {
        string copy = Path.Combine(_dir, "copy.pth");
        File.WriteAllBytes(copy, bytes);
        using var zoo = Zoo(Entry(file, Url));
        string path = await zoo.ImportAsync("tiny", copy);

        var altered = (byte[])bytes.Clone();
        altered[^1] ^= 1; // same size ...
        File.WriteAllBytes(path, altered);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1)); // ... another time
        string alteredSha = Sha(altered);
        foreach (var use in new Func<Task<string?>>[] { () => zoo.LocateAsync("tiny"), async () => await zoo.FetchAsync("tiny") })
        {
            var e = await Assert.ThrowsAsync<WeightFetchException>(use);
            Assert.Equal(FetchFailure.HashMismatch, e.Failure);
            Assert.StartsWith($"{path}: not used as tiny: its SHA-256 {alteredSha} is not the {sha} recorded", e.Message);
            Assert.Contains("texturebias weights fetch tiny", e.Message);
            Assert.Contains("texturebias weights import tiny FILE", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Assert.Throws<WeightFetchException>(() => zoo.Resolve("tiny", WeightKind.Classifier));
        Assert.Equal(altered, File.ReadAllBytes(path)); // left alone: the user decides
        Assert.Empty(server.Requests); // and not silently downloaded over
        Assert.Equal(sha, ReadStamp(file)["sha256"]!.GetValue<string>()); // the recorded hash stays

        // The right file imported again is used.
        await zoo.ImportAsync("tiny", copy);
        Assert.Equal(path, await zoo.LocateAsync("tiny"));
    }

    [Fact]
    public async Task TheRecordedWholeHashRefusesAnotherFileWithTheSamePrefix()
    {
        // A SHA-256 prefix collision cannot be made here, so the record is of a different whole hash with
        // our file's prefix, as if that other file had been verified first; our file then stands for the collision.
        string first = sha[..8] + new string(sha[8] == '0' ? '1' : '0', 56);
        Directory.CreateDirectory(Path.GetDirectoryName(Stamp(file))!);
        File.WriteAllText(Stamp(file), new JsonObject
        {
            ["file"] = file, ["sha256"] = first, ["path"] = Path.GetFullPath(Cached), ["bytes"] = 1, ["modifiedTicks"] = 1, ["verified"] = DateTime.UtcNow,
        }.ToJsonString());
        File.WriteAllBytes(Cached, bytes);
        using var zoo = Zoo(Entry(file, Url));
        Assert.Equal(HashBasis.Recorded, zoo.Hash(zoo.Registry.Get("tiny")).Basis);

        var used = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.LocateAsync("tiny"));
        Assert.Contains($"its SHA-256 {sha} begins with the registered prefix {sha[..8]} but is not the {first} recorded", used.Message);
        Assert.Contains($"also delete {Stamp(file)}", used.Message);
        Assert.Equal(1, Hashings); // the stamp did not describe the file

        // Downloaded or imported, the same file is refused.
        File.Delete(Cached);
        var downloaded = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.HashMismatch, downloaded.Failure);
        Assert.Contains($"is not the {first} recorded", downloaded.Message);
        Assert.False(File.Exists(Cached));
        AssertNoPartialFiles();
        string copy = Path.Combine(_dir, "copy.pth");
        File.WriteAllBytes(copy, bytes);
        await Assert.ThrowsAsync<WeightFetchException>(() => zoo.ImportAsync("tiny", copy));
        Assert.False(File.Exists(Cached));
        Assert.Equal(first, ReadStamp(file)["sha256"]!.GetValue<string>());

        // A whole registered hash wins over any record.
        using var registered = Zoo(Entry(file, Url) with { Sha256 = sha });
        Assert.Equal(Cached, await registered.FetchAsync("tiny"));
        Assert.Equal(sha, ReadStamp(file)["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task VerifyHashesAgainRecordsAndStopsVouchingForABadFile()
    {
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Cached, bytes);
        using var zoo = Zoo(Entry(file, Url));
        var first = await zoo.VerifyAsync("tiny");
        Assert.True(first!.Ok);
        Assert.Equal(HashBasis.Prefix, first.Expected.Basis);
        var second = await zoo.VerifyAsync("tiny");
        Assert.True(second!.Ok);
        Assert.Equal(HashBasis.Recorded, second.Expected.Basis);

        // Bit rot: the bytes change, the size and time do not. Use trusts the stamp; verify does not.
        var info = new FileInfo(Cached);
        var time = info.LastWriteTimeUtc;
        var rotten = (byte[])bytes.Clone();
        rotten[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(Cached, rotten);
        File.SetLastWriteTimeUtc(Cached, time);
        Assert.Equal(Cached, await zoo.LocateAsync("tiny"));
        var check = await zoo.VerifyAsync("tiny");
        Assert.False(check!.Ok);
        Assert.Equal(Sha(rotten), check.Sha256);
        Assert.Contains($"is not the {sha} recorded", check.Problem);
        // After a failed verify the stamp no longer vouches for the file: use hashes it and refuses it.
        await Assert.ThrowsAsync<WeightFetchException>(() => zoo.LocateAsync("tiny"));
        Assert.Equal(sha, ReadStamp(file)["sha256"]!.GetValue<string>());
    }
}
