using System.Net;
using System.Security.Cryptography;
using TextureBias.Data;
using TextureBias.Models.Serialization;

namespace TextureBias.Models.Zoo;

/// <summary>
/// Published weights by name, as timm and torchvision offer theirs: finds a file in TextureBias's
/// cache or PyTorch's hub cache (checking the latter's hash before first use), or downloads it
/// (resumable, retried, mirrored, SHA-256-checked, moved into the cache atomically).
/// <code>
/// using var zoo = new ModelZoo();
/// using var model = zoo.LoadClassifier("resnet50_trained_on_SIN");
/// string vgg = zoo.Fetch("vgg_normalised");
/// </code>
/// </summary>
public sealed class ModelZoo : IDisposable
{
    private readonly Lazy<HttpClient> http;

    /// <summary>A zoo over <paramref name="registry"/> (default: built-in plus <c>TEXTUREBIAS_REGISTRY</c>) with <paramref name="options"/> (default: from the environment).</summary>
    public ModelZoo(WeightRegistry? registry = null, ZooOptions? options = null)
    {
        Registry = registry ?? WeightRegistry.FromEnvironment();
        Options = options ?? ZooOptions.FromEnvironment();
        http = new Lazy<HttpClient>(CreateClient);
    }

    /// <summary>The registered weights.</summary>
    public WeightRegistry Registry { get; }

    /// <summary>Folders, offline mode, retries and timeouts.</summary>
    public ZooOptions Options { get; }

    /// <summary>Where <paramref name="weights"/> is (or would be) kept in TextureBias's cache.</summary>
    public string CachePath(PretrainedWeights weights) => Path.Combine(Options.CacheDir, weights.File);

    /// <summary>What this machine holds of <paramref name="weights"/>; reads no file contents.</summary>
    public WeightStatus Status(PretrainedWeights weights)
    {
        string cached = CachePath(weights);
        if (File.Exists(cached)) return new WeightStatus(weights, WeightLocation.Cache, cached, new FileInfo(cached).Length);
        foreach (var hub in TorchHubCandidates(weights))
            if (File.Exists(hub)) return new WeightStatus(weights, WeightLocation.TorchHub, hub, new FileInfo(hub).Length);
        string part = cached + ".part";
        if (File.Exists(part)) return new WeightStatus(weights, WeightLocation.Partial, part, new FileInfo(part).Length);
        return new WeightStatus(weights, WeightLocation.Missing, cached, 0);
    }

    /// <summary>
    /// The local path of the registered weights <paramref name="name"/>: the cached file, a verified
    /// file of PyTorch's hub cache, or a fresh download.
    /// </summary>
    /// <exception cref="WeightFetchException">Offline and not cached, not found, a wrong hash, no network, a full disk.</exception>
    /// <exception cref="TextureBiasException">No weights of that name are registered.</exception>
    public async Task<string> FetchAsync(string name, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        return await LocateAsync(name, cancellationToken).ConfigureAwait(false)
            ?? await DownloadAsync(name, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads the registered weights <paramref name="name"/> into the cache (resuming a partial
    /// download) without looking for a local copy first: the second half of <see cref="FetchAsync"/>,
    /// for callers that ran <see cref="LocateAsync"/> themselves.
    /// </summary>
    /// <exception cref="WeightFetchException">Offline, not found, a wrong hash, no network, a full disk.</exception>
    public async Task<string> DownloadAsync(string name, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var weights = Registry.Get(name);
        if (Options.Offline)
            throw new WeightFetchException(FetchFailure.Offline,
                $"offline: {weights.Name} ({weights.File}) is not in {Options.CacheDir}" +
                (Options.TorchHubDir is null ? "" : $" or {Options.TorchHubDir}") +
                $"; fetch it where there is network (texturebias weights fetch {weights.Name}) and copy it there, or import a copy with: texturebias weights import {weights.Name} FILE");
        return await new HttpDownload(http.Value, Options).RunAsync(weights, CachePath(weights), progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The local file of the registered weights <paramref name="name"/> without using the network:
    /// the cached file, or a file of PyTorch's hub cache whose hash is right; null if there is none.
    /// </summary>
    public async Task<string?> LocateAsync(string name, CancellationToken cancellationToken = default)
    {
        var weights = Registry.Get(name);
        string cached = CachePath(weights);
        if (File.Exists(cached)) return cached;
        return await VerifiedTorchHubFile(weights, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Synchronous <see cref="FetchAsync"/>.</summary>
    public string Fetch(string name, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FetchAsync(name, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// What a <c>--weights</c>-like argument means: an existing file is itself; otherwise it must be
    /// the name of registered weights of <paramref name="kind"/>, fetched if needed.
    /// </summary>
    /// <exception cref="TextureBiasException">Neither a file nor a registered name, or weights of another kind.</exception>
    public string Resolve(string nameOrPath, WeightKind kind, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (File.Exists(nameOrPath)) return nameOrPath;
        if (Directory.Exists(nameOrPath)) throw new TextureBiasException($"{nameOrPath}: a folder, not a weight file");
        var weights = Registry.Find(nameOrPath);
        if (weights is null)
        {
            var names = Registry.Entries.Where(e => e.Kind == kind).Select(e => e.Name);
            throw new TextureBiasException($"{nameOrPath}: no such file, and no registered {Describe(kind)} of that name (known: {string.Join(", ", names)})");
        }
        if (weights.Kind != kind) throw new TextureBiasException($"'{weights.Name}' is {Article(Describe(weights.Kind))}, not {Article(Describe(kind))}");
        return Fetch(weights.Name, progress, cancellationToken);
    }

    /// <summary>Fetches the registered classifier <paramref name="name"/> and loads it (eval mode).</summary>
    public ImageClassifier LoadClassifier(string name, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var weights = Registry.Get(name);
        if (weights.Kind != WeightKind.Classifier) throw new TextureBiasException($"'{weights.Name}' is {Article(Describe(weights.Kind))}, not a classifier");
        return ModelWeights.LoadClassifier(weights.Architecture!, Fetch(weights.Name, progress, cancellationToken));
    }

    /// <summary>
    /// Checks <paramref name="file"/> (a copy fetched elsewhere) against the registered hash of
    /// <paramref name="name"/> and copies it into the cache atomically.
    /// </summary>
    /// <returns>The cache path.</returns>
    /// <exception cref="WeightFetchException">The file's hash is not the registered one.</exception>
    public async Task<string> ImportAsync(string name, string file, CancellationToken cancellationToken = default)
    {
        var weights = Registry.Get(name);
        if (!File.Exists(file)) throw new TextureBiasException($"{file}: no such file");
        string sha = await Sha256Async(file, cancellationToken).ConfigureAwait(false);
        if (!weights.Accepts(sha) && !weights.Accepts(sha, Path.GetFileName(file)))
            throw new WeightFetchException(FetchFailure.HashMismatch,
                $"{file}: SHA-256 {sha[..16]}… is not that of {weights.Name} ({weights.ExpectedHash[..Math.Min(16, weights.ExpectedHash.Length)]}…); not imported");
        string target = CachePath(weights);
        await using (var source = File.OpenRead(file))
            AtomicFile.Write(target, s => source.CopyTo(s));
        return target;
    }

    /// <summary>Synchronous <see cref="ImportAsync"/>.</summary>
    public string Import(string name, string file) => ImportAsync(name, file).GetAwaiter().GetResult();

    /// <summary>Hashes the local copy of <paramref name="name"/> (cache or PyTorch's hub) again; null if there is none.</summary>
    public async Task<WeightCheck?> VerifyAsync(string name, CancellationToken cancellationToken = default)
    {
        var status = Status(Registry.Get(name));
        if (status.Location is not (WeightLocation.Cache or WeightLocation.TorchHub)) return null;
        string sha = await Sha256Async(status.Path, cancellationToken).ConfigureAwait(false);
        return new WeightCheck(status.Weights, status.Path, sha, status.Weights.Accepts(sha, Path.GetFileName(status.Path)));
    }

    /// <summary>The SHA-256 of a file, as lower-case hex.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Closes the HTTP connections.</summary>
    public void Dispose()
    {
        if (http.IsValueCreated) http.Value.Dispose();
    }

    /// <summary>"classifier weights", "AdaIN encoder (vgg_normalised)", ...</summary>
    public static string Describe(WeightKind kind) => kind switch
    {
        WeightKind.Classifier => "classifier weights",
        WeightKind.AdaInEncoder => "AdaIN encoder (--vgg)",
        _ => "AdaIN decoder (--decoder)",
    };

    private static string Article(string noun) => noun.StartsWith("AdaIN", StringComparison.Ordinal) ? "an " + noun : noun;

    private IEnumerable<string> TorchHubCandidates(PretrainedWeights weights) =>
        Options.TorchHubDir is null ? Enumerable.Empty<string>()
            : new[] { weights.File }.Concat(weights.TorchHubFiles ?? Array.Empty<string>()).Select(f => Path.Combine(Options.TorchHubDir, f));

    /// <summary>
    /// A file of PyTorch's hub cache holding these weights whose hash is right. Checked files are
    /// remembered (path, size, time) in the cache's <c>.torch-hub-verified</c>, so each is hashed once.
    /// </summary>
    private async Task<string?> VerifiedTorchHubFile(PretrainedWeights weights, CancellationToken cancellationToken)
    {
        foreach (var path in TorchHubCandidates(weights))
        {
            if (!File.Exists(path)) continue;
            var info = new FileInfo(path);
            string stamp = $"{Path.GetFullPath(path)}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}";
            string marker = Path.Combine(Options.CacheDir, ".torch-hub-verified", Path.GetFileName(path));
            if (File.Exists(marker) && File.ReadAllText(marker).StartsWith(stamp + "\n", StringComparison.Ordinal)) return path;
            string sha = await Sha256Async(path, cancellationToken).ConfigureAwait(false);
            if (!weights.Accepts(sha, Path.GetFileName(path)))
            {
                Options.Log?.Invoke($"{weights.Name}: not using {path} from PyTorch's hub cache: its SHA-256 {sha[..16]}… is not the registered one");
                continue;
            }
            try
            {
                AtomicFile.WriteText(marker, $"{stamp}\n{sha}\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not remembered: it is hashed again next time.
            }
            Options.Log?.Invoke($"{weights.Name}: using {path} from PyTorch's hub cache (SHA-256 checked)");
            return path;
        }
        return null;
    }

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Options.ConnectTimeout,
            AllowAutoRedirect = true,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = Options.UseProxy,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd($"TextureBias/{typeof(ModelZoo).Assembly.GetName().Version?.ToString(3) ?? "0"}");
        return client;
    }
}
