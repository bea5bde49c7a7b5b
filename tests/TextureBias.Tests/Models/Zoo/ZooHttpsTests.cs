using System.Security.Cryptography;
using TextureBias.Models.Zoo;
using Xunit;
using Behaviour = TextureBias.Tests.Models.Zoo.LoopbackServer.Behaviour;

namespace TextureBias.Tests.Models.Zoo;

/// <summary>
/// Issue 14: downloads speak https only (redirects are followed by the zoo, each target checked)
/// and read no more than the registered size or bound, whatever the server says. The loopback
/// server speaks plain http, which tests allow for it alone; a redirect from it to any other
/// http host stands for a redirect that leaves https.
/// </summary>
public sealed class ZooHttpsTests : ZooTest
{
    [Fact]
    public async Task PlainHttpIsRefusedWithoutTheTestSwitch()
    {
        using var zoo = Zoo(Entry(file, Url), insecureLocalhost: false);
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.Insecure, e.Failure);
        Assert.Contains($"{Url} is not an https URL; refused", e.Message);
        Assert.Empty(server.Requests);
        AssertNoPartialFiles();
        Assert.False(new ZooOptions().AllowInsecureLocalhost); // off by default
        Assert.False(new ZooOptions { AllowInsecureLocalhost = true }.Permits(new Uri("http://example.org/x")));
        Assert.True(new ZooOptions().Permits(new Uri("https://example.org/x")));
    }

    [Fact]
    public async Task ARedirectThatLeavesHttpsIsRefusedNamingItsTarget()
    {
        string target = $"http://files.example.org/w/{file}";
        server.Redirect("/r/" + file, target);
        using var zoo = Zoo(Entry(file, server.Url("/r/" + file)));
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.Insecure, e.Failure);
        Assert.Contains($"redirects to {target}, which is not https; refused", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(1, server.RequestsFor("/r/" + file)); // not retried
        AssertNoPartialFiles();

        // The next mirror is tried.
        using var mirrored = Zoo(Entry(file, server.Url("/r/" + file), Url));
        Assert.Equal(bytes, File.ReadAllBytes(await mirrored.FetchAsync("tiny")));
        Assert.Contains(log, l => l.Contains("not https") && l.Contains("trying the next mirror"));
    }

    [Fact]
    public async Task RedirectsAreFollowedAbsoluteAndRelativeAndResumeThroughThem()
    {
        server.Redirect("/a/" + file, server.Url("/r/" + file)); // absolute
        server.Redirect("/r/" + file, "/w/" + file, 307);         // relative
        int half = bytes.Length / 2;
        server.Plan("/w/" + file, new Behaviour.DropAfter(half));
        using var zoo = Zoo(Entry(file, server.Url("/a/" + file)));
        Assert.Equal(bytes, File.ReadAllBytes(await zoo.FetchAsync("tiny")));
        var served = server.Requests.Where(r => r.Path == "/w/" + file).ToList();
        Assert.Equal(2, served.Count);
        Assert.Equal($"bytes={half}-", served[1].Range); // the range went along through both redirects
        Assert.Equal(2, server.RequestsFor("/a/" + file));
        Assert.All(server.Requests.Where(r => r.Path == "/a/" + file).Skip(1), r => Assert.Equal($"bytes={half}-", r.Range));
    }

    [Fact]
    public async Task EndlessRedirectsAreRefused()
    {
        server.Redirect("/loop/" + file, "/loop/" + file);
        using var zoo = Zoo(Entry(file, server.Url("/loop/" + file)));
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.Refused, e.Failure);
        Assert.Contains($"more than {ZooOptions.MaxRedirects} redirects", e.Message);
        Assert.Equal(ZooOptions.MaxRedirects + 1, server.RequestsFor("/loop/" + file));
    }

    [Fact]
    public async Task ABodyLongerThanTheBoundIsCutOffDeletedAndTheNextMirrorTried()
    {
        var endless = bytes.Concat(RandomNumberGenerator.GetBytes(1 << 20)).ToArray();
        server.ServeWithoutLength("/big/" + file, endless); // no Content-Length: only the bound stops it
        var bounded = Entry(file, server.Url("/big/" + file)) with { MaxSize = bytes.Length + 1000 };
        using (var zoo = Zoo(bounded))
        {
            var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
            Assert.Equal(FetchFailure.WrongSize, e.Failure);
            Assert.Contains($"the server sent more than the registered bound of", e.Message);
            Assert.Contains("cut off", e.Message);
            Assert.DoesNotContain("resumes", e.Message); // nothing kept
            AssertNoPartialFiles();
            Assert.False(File.Exists(Cached));
        }

        using var mirrored = Zoo(bounded with { Urls = new[] { server.Url("/big/" + file), Url } });
        Assert.Equal(bytes, File.ReadAllBytes(await mirrored.FetchAsync("tiny")));
        Assert.Contains(log, l => l.Contains("cut off") && l.Contains("trying the next mirror"));
    }

    [Fact]
    public async Task AnAnnouncedLengthAboveTheBoundIsRefusedBeforeTheBody()
    {
        server.Serve("/big/" + file, bytes.Concat(new byte[5000]).ToArray());
        using var zoo = Zoo(Entry(file, server.Url("/big/" + file)) with { MaxSize = bytes.Length + 1000 });
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => zoo.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.WrongSize, e.Failure);
        Assert.Contains($"the server announces {TextureBias.Data.ByteSize.Format(bytes.Length + 5000)} ({bytes.Length + 5000} bytes), more than the registered bound", e.Message);
        AssertNoPartialFiles();
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task AnExactSizeIsHeldToo()
    {
        using var wrong = Zoo(Entry(file, Url) with { MaxSize = null, Size = bytes.Length + 1 });
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => wrong.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.WrongSize, e.Failure);
        Assert.Contains($"not the registered size of", e.Message);
        using var right = Zoo(Entry(file, Url) with { MaxSize = null, Size = bytes.Length });
        Assert.Equal(bytes, File.ReadAllBytes(await right.FetchAsync("tiny")));
    }

    [Fact]
    public async Task TheDiskSpaceNeededIsTheSmallerOfTheServersLengthAndTheBound()
    {
        // The server's length (smaller than the bound) is what must fit.
        using (var zoo = Zoo(Entry(file, Url), new ZooOptions { FreeSpace = _ => bytes.Length }))
            Assert.Equal(bytes, File.ReadAllBytes(await zoo.FetchAsync("tiny")));
        File.Delete(Cached);

        // Without a length, the bound must fit.
        server.ServeWithoutLength("/nolength/" + file, bytes);
        using var unknown = Zoo(Entry(file, server.Url("/nolength/" + file)) with { MaxSize = 10 * bytes.Length },
            new ZooOptions { FreeSpace = _ => 5L * bytes.Length });
        var e = await Assert.ThrowsAsync<WeightFetchException>(() => unknown.FetchAsync("tiny"));
        Assert.Equal(FetchFailure.DiskFull, e.Failure);
        Assert.Contains(TextureBias.Data.ByteSize.Format(10 * bytes.Length) + " needed", e.Message);
    }

    [Fact]
    public async Task APartialFileLongerThanTheBoundIsStartedAgain()
    {
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Cached + ".part", new byte[bytes.Length + 2000]);
        using var zoo = Zoo(Entry(file, Url) with { MaxSize = bytes.Length + 1000 });
        Assert.Equal(bytes, File.ReadAllBytes(await zoo.FetchAsync("tiny")));
        Assert.Null(server.Requests.Single().Range);
        Assert.Contains(log, l => l.Contains("starting again"));
    }
}
