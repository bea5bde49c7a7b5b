using System.Collections.Concurrent;
using System.Security.Cryptography;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Models.Zoo;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models.Zoo;

/// <summary>
/// What the zoo tests share: a tiny BagNet-9 file (<see cref="bytes"/>, registered as <c>tiny</c>
/// under a name carrying its hash prefix) served by a loopback HTTP server, a cache and a PyTorch
/// hub folder in a temporary folder, and the zoo's log. Plain http is allowed for the loopback
/// server only (<see cref="ZooOptions.AllowInsecureLocalhost"/>), as tests are meant to.
/// </summary>
public abstract class ZooTest : TempDirTest, IDisposable
{
    private protected readonly LoopbackServer server = new();
    private protected readonly string cache;
    private protected readonly string hub;
    private protected readonly ConcurrentQueue<string> log = new();
    private protected readonly byte[] bytes;
    private protected readonly string sha;
    private protected readonly string file;

    protected ZooTest()
    {
        cache = Path.Combine(_dir, "cache");
        hub = Path.Combine(_dir, "torch", "hub", "checkpoints");
        (bytes, sha) = TinyWeights(_dir, seed: 3);
        file = $"tiny-bagnet9-{sha[..8]}.pth";
        server.Serve("/w/" + file, bytes);
    }

    void IDisposable.Dispose()
    {
        server.Dispose();
        Dispose();
    }

    private protected PretrainedWeights Entry(string fileName, params string[] urls) =>
        new("tiny", WeightKind.Classifier, "bagnet9", fileName, urls, null, "random weights", null, "none", "a test", MaxSize: 1 << 24);

    /// <summary>A zoo of <paramref name="entry"/> over the temporary caches, quick to retry, logging to <see cref="log"/>.</summary>
    private protected ModelZoo Zoo(PretrainedWeights entry, ZooOptions? options = null, bool insecureLocalhost = true) =>
        new(new WeightRegistry(new[] { entry }, "test registry", allowInsecureLocalhost: true), (options ?? new ZooOptions()) with
        {
            CacheDir = cache, TorchHubDir = hub, UseProxy = false, Retries = options?.Retries ?? 3,
            FirstBackoff = TimeSpan.FromMilliseconds(10), StallTimeout = options?.StallTimeout ?? TimeSpan.FromSeconds(10), Log = log.Enqueue,
            AllowInsecureLocalhost = insecureLocalhost,
        });

    private protected string Url => server.Url("/w/" + file);

    private protected string Cached => Path.Combine(cache, file);

    private protected string Stamp(string fileName) => Path.Combine(cache, ".verified", fileName);

    /// <summary>How often the zoo hashed a file to check it on use (it logs each time).</summary>
    private protected int Hashings => log.Count(l => l.Contains("checking the SHA-256 of"));

    private protected void AssertNoPartialFiles() => Assert.Empty(Directory.Exists(cache) ? Directory.GetFiles(cache, "*.part") : Array.Empty<string>());

    private protected sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }

    /// <summary>The bytes and SHA-256 of a tiny BagNet-9 file (5 classes, width 4, one block a stage) made with <paramref name="seed"/>.</summary>
    internal static (byte[] Bytes, string Sha) TinyWeights(string dir, int seed)
    {
        manual_seed(seed);
        using var model = Architectures.Create("bagnet9", 5, 4, new[] { 1, 1, 1, 1 });
        string source = Path.Combine(dir, "source.pth");
        ModelWeights.Save(model, source);
        var data = File.ReadAllBytes(source);
        return (data, Convert.ToHexStringLower(SHA256.HashData(data)));
    }
}
