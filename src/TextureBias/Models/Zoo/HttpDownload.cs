using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using TextureBias.Data;

namespace TextureBias.Models.Zoo;

/// <summary>
/// Downloads one registered file into <c>NAME.part</c> beside its cache path: resumes with HTTP
/// Range, retries network failures with exponential backoff, falls back to mirrors, checks the
/// SHA-256 and renames the finished file into place. The open <c>.part</c> file is the lock that
/// keeps two processes from writing it at once. Only https is spoken: redirects are followed here
/// (at most <see cref="ZooOptions.MaxRedirects"/>), each to an https URL, and no more bytes are
/// read than the entry's registered size or size bound, whatever the server announces.
/// </summary>
internal sealed class HttpDownload
{
    private const int BufferSize = 1 << 16;
    private readonly HttpClient http;
    private readonly ZooOptions options;

    public HttpDownload(HttpClient http, ZooOptions options)
    {
        this.http = http;
        this.options = options;
    }

    private sealed record Attempt(bool Done, FetchFailure Failure, string Reason);

    /// <summary>The file in the cache, and its SHA-256 when this download hashed it (null: another process had put it there).</summary>
    public sealed record Result(string Path, string? Sha256);

    public async Task<Result> RunAsync(PretrainedWeights w, WeightHash hash, string target, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(dir);
        string partPath = target + ".part";
        FileStream part;
        try
        {
            // Unbuffered: each chunk reaches the disk as it is written, so a full disk shows at once.
            part = new FileStream(partPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException e) when (!IsDiskFull(e))
        {
            throw new WeightFetchException(FetchFailure.Busy, $"{w.Name}: another process is downloading {partPath} (wait for it, or delete that file if none is)", e);
        }

        bool open = true, moved = false;
        try
        {
            if (File.Exists(target)) return new Result(target, null); // another process finished it while we waited
            long limit = w.SizeLimit ?? long.MaxValue;
            if (part.Length > limit)
            {
                options.Log?.Invoke($"{w.Name}: {partPath} is longer than {Limit(w)}; starting again");
                part.SetLength(0);
            }
            var reasons = new List<string>();
            var failures = new List<FetchFailure>();
            var clock = Stopwatch.StartNew();
            long startBytes = part.Length;
            foreach (var url in w.Urls)
            {
                var requests = new StrongBox<int>(0);
                var attempt = await FromUrl(w, url, part, progress, clock, startBytes, requests, ct).ConfigureAwait(false);
                if (attempt.Done)
                {
                    Flush(w, part);
                    part.Position = 0;
                    string sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(part, ct).ConfigureAwait(false));
                    if (hash.Refusal(sha) is not { } refusal)
                    {
                        part.Dispose();
                        open = false;
                        File.Move(partPath, target, overwrite: true);
                        moved = true;
                        return new Result(target, sha);
                    }
                    part.SetLength(0);
                    attempt = new Attempt(false, FetchFailure.HashMismatch, $"the downloaded file's {refusal}, so it was deleted");
                }
                reasons.Add($"{Host(url)}: {attempt.Reason}{Retried(requests.Value - 1)}");
                failures.Add(attempt.Failure);
                if (w.Urls.Count > 1 && url != w.Urls[^1]) options.Log?.Invoke($"{w.Name}: {Host(url)} failed ({attempt.Reason}); trying the next mirror");
            }

            var failure = failures.Contains(FetchFailure.HashMismatch) ? FetchFailure.HashMismatch
                : failures.Contains(FetchFailure.WrongSize) ? FetchFailure.WrongSize
                : failures.Contains(FetchFailure.Insecure) ? FetchFailure.Insecure
                : failures.All(f => f == FetchFailure.NotFound) ? FetchFailure.NotFound
                : failures.Contains(FetchFailure.Network) ? FetchFailure.Network : failures[^1];
            string kept = part.Length > 0 ? $"; {ByteSize.Format(part.Length)} kept in {partPath}, a new fetch resumes it" : "";
            throw new WeightFetchException(failure, $"could not download {w.Name} ({w.File}): {string.Join("; ", reasons)}{kept}; " +
                $"to use a copy fetched elsewhere: texturebias weights import {w.Name} FILE");
        }
        finally
        {
            if (open)
            {
                long length = part.Length;
                part.Dispose();
                if (length == 0 && !moved) TryDelete(partPath);
            }
        }
    }

    private async Task<Attempt> FromUrl(PretrainedWeights w, string url, FileStream part, IProgress<DownloadProgress>? progress,
        Stopwatch clock, long startBytes, StrongBox<int> requests, CancellationToken ct)
    {
        int failuresInARow = 0, restarts = 0;
        var buffer = new byte[BufferSize];
        long limit = w.SizeLimit ?? long.MaxValue;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var registered) || !options.Permits(registered))
            return new Attempt(false, FetchFailure.Insecure, $"{url} is not an https URL; refused");
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            requests.Value++; // every request after the first is a retry, whatever its cause
            long offset = part.Length, before = offset;
            string reason;
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
            try
            {
                stall.CancelAfter(options.StallTimeout);
                using var response = await SendFollowingRedirects(registered, offset, stall.Token).ConfigureAwait(false);
                long? total;
                var status = response.StatusCode;
                if (status == HttpStatusCode.PartialContent)
                {
                    var range = response.Content.Headers.ContentRange;
                    if (range?.From != offset)
                    {
                        if (++restarts > 3) return new Attempt(false, FetchFailure.Refused, "the server answers ranges it was not asked for");
                        part.SetLength(0);
                        continue;
                    }
                    total = range.Length;
                }
                else if (status == HttpStatusCode.OK)
                {
                    if (offset > 0)
                    {
                        options.Log?.Invoke($"{w.Name}: {Host(url)} does not resume downloads; starting again");
                        part.SetLength(0);
                        offset = before = 0;
                    }
                    total = response.Content.Headers.ContentLength;
                }
                else if (status == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0 && ++restarts <= 3)
                {
                    part.SetLength(0); // the partial file is longer than the file: start again
                    continue;
                }
                else if (status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                    return new Attempt(false, FetchFailure.NotFound, $"HTTP {(int)status} {response.ReasonPhrase} (no such file at {url})");
                else if (status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500)
                    throw new TransientException($"HTTP {(int)status} {response.ReasonPhrase}", RetryAfter(response));
                else
                    return new Attempt(false, FetchFailure.Refused, $"HTTP {(int)status} {response.ReasonPhrase}");

                if (total is { } announced && announced > limit)
                {
                    part.SetLength(0);
                    return new Attempt(false, FetchFailure.WrongSize, $"the server announces {Bytes(announced)}, more than {Limit(w)}; refused");
                }
                if (total is { } length && w.Size is { } exact && length != exact)
                {
                    part.SetLength(0);
                    return new Attempt(false, FetchFailure.WrongSize, $"the server announces {Bytes(length)}, not {Limit(w)}; refused");
                }
                CheckSpace(w, part.Name, Math.Min(total ?? limit, limit) - offset);
                part.Position = offset;
                await using var body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
                long lastReport = -1;
                while (true)
                {
                    stall.CancelAfter(options.StallTimeout);
                    int n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                    if (n == 0) break;
                    if (part.Length + n > limit)
                    {
                        part.SetLength(0);
                        return new Attempt(false, FetchFailure.WrongSize, $"the server sent more than {Limit(w)}; cut off and deleted");
                    }
                    Write(w, part, buffer, n);
                    long now = clock.ElapsedMilliseconds;
                    if (progress is not null && now - lastReport >= 100)
                    {
                        lastReport = now;
                        progress.Report(Progress(w, url, part.Length, total, clock, startBytes));
                    }
                }
                progress?.Report(Progress(w, url, part.Length, total, clock, startBytes));
                if (total is { } expected && part.Length != expected)
                {
                    if (part.Length > expected) part.SetLength(0);
                    throw new TransientException($"connection dropped at {ByteSize.Format(part.Length)} of {ByteSize.Format(expected)}", null);
                }
                return new Attempt(true, FetchFailure.Network, "");
            }
            catch (RefusedException e)
            {
                return new Attempt(false, e.Failure, e.Message);
            }
            catch (TransientException e)
            {
                reason = e.Message;
                if (e.RetryAfter is { } wait && failuresInARow < options.Retries)
                {
                    failuresInARow++;
                    options.Log?.Invoke($"{w.Name}: {Host(url)}: {reason}; retrying in {Seconds(wait)}");
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                    continue;
                }
            }
            catch (HttpRequestException e)
            {
                reason = Describe(e, url);
                // A name that does not resolve rarely comes back within seconds: one retry, then the next mirror.
                if (e.HttpRequestError == HttpRequestError.NameResolutionError && failuresInARow >= 1)
                    return new Attempt(false, FetchFailure.Network, reason);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                reason = stall.IsCancellationRequested
                    ? $"no answer for {Seconds(options.StallTimeout)}"
                    : $"could not connect to {Host(url)} within {Seconds(options.ConnectTimeout)}";
            }
            catch (IOException e)
            {
                reason = $"connection dropped after {ByteSize.Format(part.Length)} ({e.Message.TrimEnd('.')})";
            }

            failuresInARow = part.Length > before ? 1 : failuresInARow + 1; // progress forgives earlier failures
            if (failuresInARow > options.Retries)
                return new Attempt(false, FetchFailure.Network, reason);
            var delay = TimeSpan.FromTicks(Math.Min(options.FirstBackoff.Ticks << Math.Min(failuresInARow - 1, 20), TimeSpan.FromMinutes(1).Ticks));
            options.Log?.Invoke($"{w.Name}: {Host(url)}: {reason}; retry {failuresInARow} of {options.Retries} in {Seconds(delay)}");
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a GET of <paramref name="url"/> (with a Range from <paramref name="offset"/>), following
    /// redirects itself so that each target can be checked: https only, relative locations resolved,
    /// at most <see cref="ZooOptions.MaxRedirects"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendFollowingRedirects(Uri url, long offset, CancellationToken ct)
    {
        var current = url;
        for (int hops = 0; ; hops++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            int code = (int)response.StatusCode;
            if (code is not (301 or 302 or 303 or 307 or 308)) return response;
            var location = response.Headers.Location;
            response.Dispose();
            request.Dispose();
            if (location is null) throw new RefusedException(FetchFailure.Refused, $"HTTP {code} redirect from {current} without a Location");
            var next = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (!options.Permits(next)) throw new RefusedException(FetchFailure.Insecure, $"{current} redirects to {next}, which is not https; refused");
            if (hops >= ZooOptions.MaxRedirects) throw new RefusedException(FetchFailure.Refused, $"more than {ZooOptions.MaxRedirects} redirects (the last to {next}); refused");
            current = next;
        }
    }

    /// <summary>"the registered size of 1.0 MiB (1048576 bytes)" or "the registered bound of … (maxSize)".</summary>
    private static string Limit(PretrainedWeights w) => w.Size is { } exact
        ? $"the registered size of {Bytes(exact)}"
        : w.MaxSize is { } bound ? $"the registered bound of {Bytes(bound)} (maxSize)" : "no bound";

    private static string Bytes(long n) => $"{ByteSize.Format(n)} ({n} bytes)";

    private void CheckSpace(PretrainedWeights w, string partPath, long needed)
    {
        string dir = Path.GetDirectoryName(partPath)!;
        long free = options.FreeSpace(dir);
        if (free < needed)
            throw new WeightFetchException(FetchFailure.DiskFull,
                $"{w.Name}: not enough disk space in {dir}: {ByteSize.Format(needed)} needed, {ByteSize.Format(free)} free (free some, or point TEXTUREBIAS_CACHE or --cache-dir at another disk)");
    }

    private static void Write(PretrainedWeights w, FileStream part, byte[] buffer, int n)
    {
        try
        {
            part.Write(buffer, 0, n);
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw DiskFull(w, part, e);
        }
    }

    private static void Flush(PretrainedWeights w, FileStream part)
    {
        try
        {
            part.Flush(flushToDisk: true);
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw DiskFull(w, part, e);
        }
    }

    private static WeightFetchException DiskFull(PretrainedWeights w, FileStream part, IOException e) =>
        new(FetchFailure.DiskFull,
            $"{w.Name}: the disk is full while writing {part.Name} (what was written is kept: free space and fetch again to resume, or point TEXTUREBIAS_CACHE at another disk)", e);

    internal static bool IsDiskFull(IOException e) =>
        e.HResult is 28 or 0x70 or 0x27 or unchecked((int)0x80070070) or unchecked((int)0x80070027)
        || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private static DownloadProgress Progress(PretrainedWeights w, string url, long bytes, long? total, Stopwatch clock, long startBytes) =>
        new(w.Name, url, bytes, total, clock.Elapsed.TotalSeconds > 0 ? (bytes - startBytes) / clock.Elapsed.TotalSeconds : 0);

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var value = response.Headers.RetryAfter;
        var wait = value?.Delta ?? (value?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return wait is { } t && t > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(t.Ticks, TimeSpan.FromMinutes(2).Ticks)) : null;
    }

    private static string Describe(HttpRequestException e, string url)
    {
        string host = Host(url);
        string inner = (e.InnerException?.Message ?? e.Message).TrimEnd('.');
        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"cannot resolve {host} (no network, or no DNS?)",
            HttpRequestError.ConnectionError => $"cannot connect to {host} ({inner})",
            HttpRequestError.SecureConnectionError => $"secure connection to {host} failed ({inner})",
            HttpRequestError.ResponseEnded => "the connection was dropped",
            HttpRequestError.ProxyTunnelError => $"the proxy refused the connection to {host} ({inner})",
            _ => inner,
        };
    }

    /// <summary>" (after 3 retries)": the requests really made after the first; empty for none.</summary>
    private static string Retried(int retries) => retries switch
    {
        <= 0 => "",
        1 => " (after 1 retry)",
        _ => $" (after {retries} retries)",
    };

    internal static string Host(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Authority : url;

    private static string Seconds(TimeSpan t) => t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private sealed class RefusedException(FetchFailure failure, string message) : Exception(message)
    {
        public FetchFailure Failure { get; } = failure;
    }

    private sealed class TransientException(string message, TimeSpan? retryAfter) : Exception(message)
    {
        public TimeSpan? RetryAfter { get; } = retryAfter;
    }
}
