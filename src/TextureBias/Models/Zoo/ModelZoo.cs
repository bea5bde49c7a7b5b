using System.Net;
using System.Security.Cryptography;
using TextureBias.Data;
using TextureBias.Models.Serialization;

namespace TextureBias.Models.Zoo;

/// <summary>
/// Published weights by name, as timm and torchvision offer theirs: finds a file in TextureBias's
/// cache or PyTorch's hub cache, or downloads it (https only, size-bounded, resumable, retried,
/// mirrored, SHA-256-checked, moved into the cache atomically). A local file is used only once its
/// SHA-256 is the registered one (or, for entries registered with a hash prefix only, the whole
/// hash recorded when the first such file was verified here); the check is remembered in the
/// cache's <c>.verified/</c> stamps, so a file is hashed again only when its size or time change.
/// <code>
/// using var zoo = new ModelZoo();
/// using var model = zoo.LoadClassifier("resnet50_trained_on_SIN");
/// string vgg = zoo.Fetch("vgg_normalised");
/// </code>
/// </summary>
public sealed class ModelZoo : IDisposable
{
    private readonly Lazy<HttpClient> http;
    private readonly VerifiedStamps stamps;

    /// <summary>A zoo over <paramref name="registry"/> (default: built-in plus <c>TEXTUREBIAS_REGISTRY</c>) with <paramref name="options"/> (default: from the environment).</summary>
    public ModelZoo(WeightRegistry? registry = null, ZooOptions? options = null)
    {
        Registry = registry ?? WeightRegistry.FromEnvironment();
        Options = options ?? ZooOptions.FromEnvironment();
        http = new Lazy<HttpClient>(CreateClient);
        stamps = new VerifiedStamps(Options.CacheDir);
    }

    /// <summary>The registered weights.</summary>
    public WeightRegistry Registry { get; }

    /// <summary>Folders, offline mode, retries and timeouts.</summary>
    public ZooOptions Options { get; }

    /// <summary>Where <paramref name="weights"/> is (or would be) kept in TextureBias's cache.</summary>
    public string CachePath(PretrainedWeights weights) => Path.Combine(Options.CacheDir, weights.File);

    /// <summary>Where the check of the registered file name <paramref name="fileName"/> is remembered (<c>CACHE/.verified/FILE</c>).</summary>
    public string StampPath(string fileName) => stamps.PathOf(fileName);

    /// <summary>What this machine holds of <paramref name="weights"/>; reads no weight file's contents.</summary>
    public WeightStatus Status(PretrainedWeights weights)
    {
        var hash = Hash(weights);
        string cached = CachePath(weights);
        if (File.Exists(cached)) return new WeightStatus(weights, WeightLocation.Cache, cached, new FileInfo(cached).Length, hash);
        foreach (var (hub, _) in TorchHubCandidates(weights))
            if (File.Exists(hub)) return new WeightStatus(weights, WeightLocation.TorchHub, hub, new FileInfo(hub).Length, hash);
        string part = cached + ".part";
        if (File.Exists(part)) return new WeightStatus(weights, WeightLocation.Partial, part, new FileInfo(part).Length, hash);
        return new WeightStatus(weights, WeightLocation.Missing, cached, 0, hash);
    }

    /// <summary>
    /// What the SHA-256 of <paramref name="weights"/>'s file must be: the registered whole hash, else
    /// the one recorded here when the file was first verified, else its name's hash prefix.
    /// </summary>
    public WeightHash Hash(PretrainedWeights weights) => HashOf(weights, weights.File);

    /// <summary>
    /// The local path of the registered weights <paramref name="name"/>: the cached file, a verified
    /// file of PyTorch's hub cache, or a fresh download.
    /// </summary>
    /// <exception cref="WeightFetchException">Offline and not cached, not found, a wrong hash (downloaded or cached), no network, a full disk.</exception>
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
    /// <exception cref="WeightFetchException">Offline, not found, not https, too large, a wrong hash, no network, a full disk.</exception>
    public async Task<string> DownloadAsync(string name, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var weights = Registry.Get(name);
        if (Options.Offline)
            throw new WeightFetchException(FetchFailure.Offline,
                $"offline: {weights.Name} ({weights.File}) is not in {Options.CacheDir}" +
                (Options.TorchHubDir is null ? "" : $" or {Options.TorchHubDir}") +
                $"; fetch it where there is network (texturebias weights fetch {weights.Name}) and copy it there, or import a copy with: texturebias weights import {weights.Name} FILE");
        var result = await new HttpDownload(http.Value, Options).RunAsync(weights, Hash(weights), CachePath(weights), progress, cancellationToken).ConfigureAwait(false);
        if (result.Sha256 is null) return await CheckedCacheFile(weights, result.Path, cancellationToken).ConfigureAwait(false); // another process put it there
        stamps.Write(weights.File, FileSnapshot.Of(result.Path), result.Sha256);
        return result.Path;
    }

    /// <summary>
    /// The local file of the registered weights <paramref name="name"/> without using the network:
    /// the cached file, or a file of PyTorch's hub cache, once its hash is right; null if there is
    /// none. Each file is hashed once and then trusted while its size and time stay as stamped.
    /// </summary>
    /// <exception cref="WeightFetchException">The cached file's hash is wrong (it is left where it is; the message says what to do).</exception>
    public async Task<string?> LocateAsync(string name, CancellationToken cancellationToken = default)
    {
        var weights = Registry.Get(name);
        string cached = CachePath(weights);
        if (File.Exists(cached)) return await CheckedCacheFile(weights, cached, cancellationToken).ConfigureAwait(false);
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
    /// Checks <paramref name="file"/> (a copy fetched elsewhere) against the hash of
    /// <paramref name="name"/> (registered, or recorded here; never one taken from
    /// <paramref name="file"/>'s own name) and copies it into the cache atomically.
    /// </summary>
    /// <returns>The cache path.</returns>
    /// <exception cref="WeightFetchException">The file's hash is not the expected one; nothing is written.</exception>
    public async Task<string> ImportAsync(string name, string file, CancellationToken cancellationToken = default)
    {
        var weights = Registry.Get(name);
        if (!File.Exists(file)) throw new TextureBiasException($"{file}: no such file");
        var hash = Hash(weights);
        string sha = await Sha256Async(file, cancellationToken).ConfigureAwait(false);
        if (hash.Refusal(sha) is { } refusal)
            throw new WeightFetchException(FetchFailure.HashMismatch, $"{file}: not imported as {weights.Name}: its {refusal}");
        string target = CachePath(weights);
        await using (var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            AtomicFile.Write(target, s =>
            {
                // The copy is hashed as it is written: a file that changed since it was checked is not stored.
                using var copied = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 20];
                int n;
                while ((n = source.Read(buffer)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    copied.AppendData(buffer, 0, n);
                    s.Write(buffer, 0, n);
                }
                if (Convert.ToHexStringLower(copied.GetHashAndReset()) != sha)
                    throw new WeightFetchException(FetchFailure.HashMismatch, $"{file}: changed while it was being imported; not imported");
            });
        stamps.Write(weights.File, FileSnapshot.Of(target), sha);
        return target;
    }

    /// <summary>Synchronous <see cref="ImportAsync"/>.</summary>
    public string Import(string name, string file) => ImportAsync(name, file).GetAwaiter().GetResult();

    /// <summary>
    /// Hashes the local copy of <paramref name="name"/> (cache or PyTorch's hub) again, whatever its
    /// stamp says, and compares it with the registered or recorded hash; null if there is no copy.
    /// A file that passes is stamped (recording its whole hash); one that fails is no longer vouched for.
    /// </summary>
    public async Task<WeightCheck?> VerifyAsync(string name, CancellationToken cancellationToken = default)
    {
        var weights = Registry.Get(name);
        var status = Status(weights);
        if (status.Location is not (WeightLocation.Cache or WeightLocation.TorchHub)) return null;
        string fileName = status.Location == WeightLocation.Cache ? weights.File : Path.GetFileName(status.Path);
        var check = await CheckAsync(weights, status.Path, fileName, rehash: true, cancellationToken).ConfigureAwait(false);
        return new WeightCheck(weights, status.Path, check.Sha256, check.Problem is null, check.Hash, check.Problem);
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

    /// <summary>"classifier weights", "detector weights", "AdaIN encoder (--vgg)", ...</summary>
    public static string Describe(WeightKind kind) => kind switch
    {
        WeightKind.Classifier => "classifier weights",
        WeightKind.AdaInEncoder => "AdaIN encoder (--vgg)",
        WeightKind.Detector => "detector weights",
        _ => "AdaIN decoder (--decoder)",
    };

    private static string Article(string noun) => noun.StartsWith("AdaIN", StringComparison.Ordinal) ? "an " + noun : noun;

    /// <summary>
    /// The files of PyTorch's hub cache that may hold these weights, with the registered name each is
    /// checked as: the entry's own file name, then its registered <see cref="PretrainedWeights.TorchHubFiles"/>.
    /// </summary>
    private IEnumerable<(string Path, string FileName)> TorchHubCandidates(PretrainedWeights weights) =>
        Options.TorchHubDir is null ? Enumerable.Empty<(string, string)>()
            : new[] { weights.File }.Concat(weights.TorchHubFiles ?? Array.Empty<string>()).Select(f => (Path.Combine(Options.TorchHubDir, f), f));

    /// <summary>
    /// The hash a file registered as <paramref name="fileName"/> must have: the entry's own file takes
    /// the registered hash; a PyTorch hub alias only its own name's prefix (and what was recorded for it).
    /// </summary>
    private WeightHash HashOf(PretrainedWeights weights, string fileName)
    {
        if (fileName != weights.File && !(weights.TorchHubFiles?.Contains(fileName) ?? false))
            throw new InvalidOperationException($"{fileName} is not a registered name of {weights.Name}");
        return WeightHash.For(fileName, fileName == weights.File ? weights.Sha256 : null, stamps.Read(fileName)?.Sha256);
    }

    private sealed record Checked(string Sha256, WeightHash Hash, string? Problem, bool Hashed);

    /// <summary>
    /// Checks the file at <paramref name="path"/>, registered as <paramref name="fileName"/>: from its
    /// stamp when that still describes it (and <paramref name="rehash"/> is false), else by hashing it.
    /// A file that passes is stamped; a stamp that vouched for a file that fails no longer does.
    /// </summary>
    private async Task<Checked> CheckAsync(PretrainedWeights weights, string path, string fileName, bool rehash, CancellationToken cancellationToken)
    {
        var stamp = stamps.Read(fileName);
        var hash = HashOf(weights, fileName);
        var before = FileSnapshot.Of(path);
        if (!rehash && stamp is not null && stamp.Describes(before))
            return new Checked(stamp.Sha256, hash, hash.Refusal(stamp.Sha256), false);
        if (!rehash) Options.Log?.Invoke($"{weights.Name}: checking the SHA-256 of {path} (new, or changed since its last check)");
        string sha = await Sha256Async(path, cancellationToken).ConfigureAwait(false);
        string? problem = hash.Refusal(sha);
        if (problem is null)
        {
            if (FileSnapshot.Of(path) == before) stamps.Write(fileName, before, sha); // not if it changed while being read
        }
        else if (stamp?.Path == before.FullPath)
        {
            stamps.Forget(fileName);
        }
        return new Checked(sha, hash, problem, true);
    }

    /// <summary>The cached file at <paramref name="path"/>, once checked.</summary>
    /// <exception cref="WeightFetchException">Its hash is wrong: the message names it, both hashes and what to do.</exception>
    private async Task<string> CheckedCacheFile(PretrainedWeights weights, string path, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(weights, path, weights.File, rehash: false, cancellationToken).ConfigureAwait(false);
        if (check.Problem is null) return path;
        string record = check.Hash.Basis == HashBasis.Recorded
            ? $"; if the registry's source really changed the file, also delete {StampPath(weights.File)}" : "";
        throw new WeightFetchException(FetchFailure.HashMismatch,
            $"{path}: not used as {weights.Name}: its {check.Problem}; delete it and fetch again (texturebias weights fetch {weights.Name}), " +
            $"or import the right file (texturebias weights import {weights.Name} FILE){record}");
    }

    /// <summary>A file of PyTorch's hub cache holding these weights whose hash is right (a wrong one is logged and left alone).</summary>
    private async Task<string?> VerifiedTorchHubFile(PretrainedWeights weights, CancellationToken cancellationToken)
    {
        foreach (var (path, fileName) in TorchHubCandidates(weights))
        {
            if (!File.Exists(path)) continue;
            var check = await CheckAsync(weights, path, fileName, rehash: false, cancellationToken).ConfigureAwait(false);
            if (check.Problem is not null)
            {
                Options.Log?.Invoke($"{weights.Name}: not using {path} from PyTorch's hub cache: its {check.Problem}");
                continue;
            }
            if (check.Hashed) Options.Log?.Invoke($"{weights.Name}: using {path} from PyTorch's hub cache (SHA-256 checked)");
            return path;
        }
        return null;
    }

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Options.ConnectTimeout,
            AllowAutoRedirect = false, // followed by HttpDownload, which checks every target is https
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = Options.UseProxy,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd($"TextureBias/{typeof(ModelZoo).Assembly.GetName().Version?.ToString(3) ?? "0"}");
        return client;
    }
}
