using System.Collections.Concurrent;
using System.Security.Cryptography;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Models.Zoo;
using Xunit;
using static TorchSharp.torch;
using Behaviour = TextureBias.Tests.Models.Zoo.LoopbackServer.Behaviour;

namespace TextureBias.Tests.Models.Zoo;

/// <summary>Fetching registered weights from a loopback HTTP server: never from the internet.</summary>
public sealed class ModelZooTests : ZooTest
{
    [Fact]
    public async Task FetchesChecksMovesIntoTheCacheAndLoads()
    {
        using var zoo = Zoo(Entry(file, Url));
        var reports = new List<DownloadProgress>();
        string path = await zoo.FetchAsync("tiny", new SyncProgress(reports.Add));
        Assert.Equal(Path.Combine(cache, file), path);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        AssertNoPartialFiles();
        Assert.Equal(bytes.Length, reports[^1].Bytes);
        Assert.Equal(bytes.Length, reports[^1].TotalBytes);
        Assert.Equal(WeightLocation.Cache, zoo.Status(zoo.Registry.Get("tiny")).Location);

        using var loaded = zoo.LoadClassifier("TINY"); // names are case-blind
        Assert.Equal("bagnet9", loaded.Architecture);
        Assert.Equal(5, loaded.NumClasses);
        Assert.Equal(1, server.RequestsFor("/w/" + file)); // fetched once, then reused
    }

    [Fact]
    public async Task ResumesAfterADroppedConnection()
    {
        int half = bytes.Length / 2;
        server.Plan("/w/" + file, new Behaviour.DropAfter(half));
        using var zoo = Zoo(Entry(file, Url));
        string path = await zoo.FetchAsync("tiny");
        Assert.Equal(bytes, File.ReadAllBytes(path));
        var requests = server.Requests.Where(r => r.Path == "/w/" + file).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].Range);
        Assert.Equal($"bytes={half}-", requests[1].Range); // the second request asked only for the rest
        Assert.Contains(log, l => l.Contains("retry 1 of 3"));
        AssertNoPartialFiles();
    }

    [Fact]
    public async Task ResumesAPartialFileLeftByAnEarlierRun()
    {
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, file + ".part"), bytes[..100]);
        using var zoo = Zoo(Entry(file, Url));
        Assert.Equal(WeightLocation.Partial, zoo.Status(zoo.Registry.Get("tiny")).Location);
        Assert.Equal(bytes, File.ReadAllBytes(await zoo.FetchAsync("tiny")));
        Assert.Equal("bytes=100-", server.Requests.Single().Range);
    }

    [Fact]
    public async Task StartsAgainWhenTheServerIgnoresTheRange()
    {
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, file + ".part"), new byte[100]); // garbage from elsewhere
        server.Plan("/w/" + file, new Behaviour.IgnoreRange());
        using var zoo = Zoo(Entry(file, Url));
        Assert.Equal(bytes, File.ReadAllBytes(await zoo.FetchAsync("tiny")));
        Assert.Contains(log, l => l.Contains("does not resume"));
    }

    [Fact]
    public async Task GivesUpAfterTheRetriesAndKeepsThePartialFile()
    {
        server.Plan("/w/" + file, new Behaviour.DropAfter(10), new Behaviour.Status(503), new Behaviour.Status(503), new Behaviour.Status(503));
        using var zoo = Zoo(Entry(file, Url), new ZooOptions { Retries = 3 });
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.Network, e.Failure);
        Assert.Contains("HTTP 503", e.Message);
        Assert.Contains("resumes", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(10, new FileInfo(Path.Combine(cache, file + ".part")).Length);
        Assert.Equal(4, server.RequestsFor("/w/" + file));

        // A later fetch carries on from byte 10.
        Assert.Equal(bytes, File.ReadAllBytes(await zoo.FetchAsync("tiny")));
        Assert.Equal("bytes=10-", server.Requests.Last().Range);
    }

    [Fact]
    public async Task TheMessageCountsTheRetriesReallyMadeAndNamesWeightsImport()
    {
        // Received data forgives earlier failures, so more requests are made than Retries: the message says how many.
        server.Plan("/w/" + file, new Behaviour.DropAfter(10), new Behaviour.DropAfter(10), new Behaviour.Status(503));
        using var zoo = Zoo(Entry(file, Url), new ZooOptions { Retries = 1 });
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(3, server.RequestsFor("/w/" + file));
        Assert.Contains("HTTP 503 Planned (after 2 retries)", e.Message);
        Assert.Equal(2, log.Count(l => l.Contains("retry 1 of 1")));
        Assert.Contains("texturebias weights import tiny FILE", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task RetriesAServerErrorAndAStalledConnection()
    {
        server.Plan("/w/" + file, new Behaviour.Status(503, RetryAfter: "0"), new Behaviour.Stall(3000));
        using var zoo = Zoo(Entry(file, Url), new ZooOptions { StallTimeout = TimeSpan.FromMilliseconds(500) });
        Assert.Equal(bytes, File.ReadAllBytes(await zoo.FetchAsync("tiny")));
        Assert.Contains(log, l => l.Contains("HTTP 503"));
        Assert.Contains(log, l => l.Contains("no answer for"));
        Assert.Equal(3, server.RequestsFor("/w/" + file));
    }

    [Fact]
    public async Task AWrongHashDeletesTheDownloadAndSaysSo()
    {
        string wrong = "tiny-bagnet9-deadbeef.pth";
        server.Serve("/w/" + wrong, bytes);
        using var zoo = Zoo(Entry(wrong, server.Url("/w/" + wrong)));
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.HashMismatch, e.Failure);
        Assert.Contains("SHA-256", e.Message);
        Assert.Contains("deleted", e.Message);
        Assert.Contains(sha[..16], e.Message);
        Assert.False(File.Exists(Path.Combine(cache, wrong)));
        AssertNoPartialFiles();
    }

    [Fact]
    public async Task AWholeSha256IsCheckedToo()
    {
        var entry = Entry(file, Url) with { Sha256 = sha[..8] + new string('0', 56) }; // right prefix, wrong rest
        using var zoo = Zoo(entry);
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.HashMismatch, e.Failure);
        using var good = Zoo(Entry(file, Url) with { Sha256 = sha });
        Assert.Equal(bytes, File.ReadAllBytes(await good.FetchAsync("tiny")));
    }

    [Fact]
    public async Task NotFoundIsNotRetriedAndNamesTheUrl()
    {
        string missing = server.Url("/nothing/" + file);
        using var zoo = Zoo(Entry(file, missing));
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.NotFound, e.Failure);
        Assert.Contains("HTTP 404", e.Message);
        Assert.Contains(missing, e.Message);
        Assert.Single(server.Requests);
        AssertNoPartialFiles();
    }

    [Fact]
    public async Task ARefusedConnectionIsRetriedThenReported()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop(); // nothing listens there now
        using var zoo = Zoo(Entry(file, $"http://127.0.0.1:{port}/w/{file}"), new ZooOptions { Retries = 2 });
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.Network, e.Failure);
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", e.Message);
        Assert.Contains("after 2 retries", e.Message);
        Assert.Equal(2, log.Count(l => l.Contains("retry")));
        AssertNoPartialFiles();
    }

    [Fact]
    public async Task FallsBackToAMirror()
    {
        using var zoo = Zoo(Entry(file, server.Url("/gone/" + file), Url));
        Assert.Equal(bytes, File.ReadAllBytes(await zoo.FetchAsync("tiny")));
        Assert.Contains(log, l => l.Contains("trying the next mirror"));
    }

    [Fact]
    public async Task OfflineModeNeverTouchesTheNetworkAndSaysWhatIsMissing()
    {
        using var zoo = Zoo(Entry(file, Url), new ZooOptions { Offline = true });
        Assert.Null(await zoo.LocateAsync("tiny"));
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.Offline, e.Failure);
        Assert.Contains(file, e.Message);
        Assert.Contains(cache, e.Message);
        Assert.Contains("weights import tiny", e.Message);
        Assert.Empty(server.Requests);

        // A cached file is fine offline.
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, file), bytes);
        Assert.Equal(Path.Combine(cache, file), await zoo.FetchAsync("tiny"));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void OfflineComesFromTheEnvironmentSwitch()
    {
        Assert.True(ZooOptions.IsSet("1"));
        Assert.True(ZooOptions.IsSet(" Yes "));
        Assert.False(ZooOptions.IsSet("0"));
        Assert.False(ZooOptions.IsSet(null));
    }

    [Fact]
    public async Task ReusesACachedFileWithoutRequests()
    {
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, file), bytes);
        using var zoo = Zoo(Entry(file, Url));
        Assert.Equal(Path.Combine(cache, file), await zoo.FetchAsync("tiny"));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ReusesAVerifiedFileOfPyTorchsHubCache()
    {
        Directory.CreateDirectory(hub);
        string inHub = Path.Combine(hub, file);
        File.WriteAllBytes(inHub, bytes);
        using var zoo = Zoo(Entry(file, Url));
        Assert.Equal(WeightLocation.TorchHub, zoo.Status(zoo.Registry.Get("tiny")).Location);
        Assert.Equal(inHub, await zoo.FetchAsync("tiny"));
        Assert.Equal(inHub, await zoo.LocateAsync("tiny")); // the second time from the remembered check
        Assert.Single(log, l => l.Contains("SHA-256 checked"));
        Assert.Empty(server.Requests);
        Assert.False(File.Exists(Path.Combine(cache, file))); // not copied
    }

    [Fact]
    public async Task AHubFileUnderAnotherNameIsCheckedAgainstItsOwnPrefix()
    {
        Directory.CreateDirectory(hub);
        string alias = $"tiny-old-{sha[..8]}.pth";
        File.WriteAllBytes(Path.Combine(hub, alias), bytes);
        var entry = Entry("tiny-bagnet9-abcdef12.pth", Url) with { TorchHubFiles = new[] { alias } };
        using var zoo = Zoo(entry);
        Assert.Equal(Path.Combine(hub, alias), await zoo.FetchAsync("tiny"));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ACorruptHubFileIsLeftAloneAndTheFileDownloaded()
    {
        Directory.CreateDirectory(hub);
        string inHub = Path.Combine(hub, file);
        File.WriteAllBytes(inHub, bytes[..^1]);
        using var zoo = Zoo(Entry(file, Url));
        string path = await zoo.FetchAsync("tiny");
        Assert.Equal(Path.Combine(cache, file), path);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.True(File.Exists(inHub)); // never delete PyTorch's files
        Assert.Contains(log, l => l.Contains("not using") && l.Contains(inHub));
    }

    [Fact]
    public async Task AFullDiskIsReportedBeforeDownloading()
    {
        using var zoo = Zoo(Entry(file, Url), new ZooOptions { FreeSpace = _ => 100 });
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.DiskFull, e.Failure);
        Assert.Contains("not enough disk space", e.Message);
        Assert.Contains("TEXTUREBIAS_CACHE", e.Message);
    }

    [Fact]
    public async Task AFullDiskWhileWritingIsReportedAsSuch()
    {
        if (!File.Exists("/dev/full")) return; // Linux's always-full device stands in for a full disk
        Directory.CreateDirectory(cache);
        File.CreateSymbolicLink(Path.Combine(cache, file + ".part"), "/dev/full");
        using var zoo = Zoo(Entry(file, Url));
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.DiskFull, e.Failure);
        Assert.Contains("the disk is full", e.Message);
        Assert.False(File.Exists(Path.Combine(cache, file)));
    }

    [Fact]
    public async Task TwoProcessesDoNotWriteTheSameFile()
    {
        Directory.CreateDirectory(cache);
        using var held = new FileStream(Path.Combine(cache, file + ".part"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        using var zoo = Zoo(Entry(file, Url));
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.Busy, e.Failure);
        Assert.Contains("another process", e.Message);
    }

    [Fact]
    public async Task ImportChecksTheHashAndCopiesIntoTheCache()
    {
        string copy = Path.Combine(_dir, "downloaded-elsewhere.pth");
        File.WriteAllBytes(copy, bytes);
        using var zoo = Zoo(Entry(file, Url), new ZooOptions { Offline = true });
        string path = await zoo.ImportAsync("tiny", copy);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(path, await zoo.FetchAsync("tiny"));
        Assert.True((await zoo.VerifyAsync("tiny"))!.Ok);

        File.WriteAllBytes(copy, bytes[1..]);
        File.Delete(path);
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.ImportAsync("tiny", copy));
        Assert.Equal(FetchFailure.HashMismatch, e.Failure);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task VerifyFindsACorruptedCacheFile()
    {
        Directory.CreateDirectory(cache);
        var corrupt = (byte[])bytes.Clone();
        corrupt[^1] ^= 1;
        File.WriteAllBytes(Path.Combine(cache, file), corrupt);
        using var zoo = Zoo(Entry(file, Url));
        var check = await zoo.VerifyAsync("tiny");
        Assert.False(check!.Ok);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(corrupt)), check.Sha256);
    }

    [Fact]
    public void ResolveTakesFilesNamesAndExplainsMistakes()
    {
        using var zoo = Zoo(Entry(file, Url));
        string local = Path.Combine(_dir, "source.pth");
        Assert.Equal(local, zoo.Resolve(local, WeightKind.Classifier));
        Assert.Equal(Path.Combine(cache, file), zoo.Resolve("tiny", WeightKind.Classifier));
        var wrongKind = Assert.Throws<TextureBiasException>(() => zoo.Resolve("tiny", WeightKind.AdaInDecoder));
        Assert.Contains("not an AdaIN decoder", wrongKind.Message);
        var notADetector = Assert.Throws<TextureBiasException>(() => zoo.Resolve("tiny", WeightKind.Detector));
        Assert.Equal("'tiny' is classifier weights, not detector weights", notADetector.Message);
        var unknown = Assert.Throws<TextureBiasException>(() => zoo.Resolve("tinny", WeightKind.Classifier));
        Assert.Contains("no such file", unknown.Message);
        Assert.Contains("tiny", unknown.Message);
    }
}
