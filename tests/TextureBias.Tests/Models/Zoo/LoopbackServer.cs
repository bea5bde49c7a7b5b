using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TextureBias.Tests.Models.Zoo;

/// <summary>
/// A small HTTP/1.1 file server on 127.0.0.1 for download tests: serves byte arrays by path,
/// honours Range requests, redirects, and misbehaves on demand (drops a connection part-way,
/// stalls, answers with an error status, ignores ranges, sends a body without a length). Every
/// request is recorded.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    /// <summary>What the server does with one request.</summary>
    public abstract record Behaviour
    {
        /// <summary>Serves the file (206 for a range).</summary>
        public sealed record Normal : Behaviour;

        /// <summary>Promises the whole (remaining) file, sends <paramref name="Bytes"/> of it and closes the connection.</summary>
        public sealed record DropAfter(int Bytes) : Behaviour;

        /// <summary>Answers with this status and no file.</summary>
        public sealed record Status(int Code, string? RetryAfter = null) : Behaviour;

        /// <summary>Sends the headers, then nothing for this long, then closes.</summary>
        public sealed record Stall(int Milliseconds) : Behaviour;

        /// <summary>Serves the whole file with 200, whatever range was asked.</summary>
        public sealed record IgnoreRange : Behaviour;
    }

    /// <summary>One request as received.</summary>
    public sealed record Request(string Path, string? Range);

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, byte[]> files = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Behaviour>> plans = new();
    private readonly ConcurrentDictionary<string, (string Location, int Code)> redirects = new();
    private readonly ConcurrentDictionary<string, bool> withoutLength = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public LoopbackServer()
    {
        listener.Start();
        loop = Task.Run(AcceptLoop);
    }

    public ConcurrentQueue<Request> Requests { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}{path}";

    public void Serve(string path, byte[] content) => files[path] = content;

    /// <summary>Serves <paramref name="content"/> with 200 and no Content-Length: the body ends when the connection closes.</summary>
    public void ServeWithoutLength(string path, byte[] content)
    {
        files[path] = content;
        withoutLength[path] = true;
    }

    /// <summary>Every request of <paramref name="path"/> is redirected to <paramref name="location"/> (as given: absolute or relative).</summary>
    public void Redirect(string path, string location, int code = 302) => redirects[path] = (location, code);

    /// <summary>The next requests of <paramref name="path"/> get these behaviours in turn; later ones are served normally.</summary>
    public void Plan(string path, params Behaviour[] behaviours)
    {
        var queue = plans.GetOrAdd(path, _ => new ConcurrentQueue<Behaviour>());
        foreach (var b in behaviours) queue.Enqueue(b);
    }

    public int RequestsFor(string path) => Requests.Count(r => r.Path == path);

    private async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var header = await ReadHeader(stream);
            if (header is null) return;
            var lines = header.Split("\r\n");
            string path = lines[0].Split(' ')[1];
            string? range = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Range", StringComparison.OrdinalIgnoreCase))
                .Select(p => p[1].Trim()).FirstOrDefault();
            Requests.Enqueue(new Request(path, range));
            var behaviour = plans.TryGetValue(path, out var q) && q.TryDequeue(out var b) ? b : new Behaviour.Normal();

            if (redirects.TryGetValue(path, out var redirect))
            {
                await Write(stream, $"HTTP/1.1 {redirect.Code} Moved\r\nLocation: {redirect.Location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
            if (behaviour is Behaviour.Status status)
            {
                await Write(stream, $"HTTP/1.1 {status.Code} Planned\r\nContent-Length: 0\r\n" +
                    (status.RetryAfter is null ? "" : $"Retry-After: {status.RetryAfter}\r\n") + "Connection: close\r\n\r\n");
                return;
            }
            if (!files.TryGetValue(path, out var content))
            {
                await Write(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
            if (withoutLength.ContainsKey(path))
            {
                await Write(stream, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(content);
                await stream.FlushAsync();
                return;
            }
            long from = 0;
            if (range is not null && behaviour is not Behaviour.IgnoreRange && range.StartsWith("bytes=") && range.EndsWith('-'))
                from = long.Parse(range["bytes=".Length..^1]);
            if (from >= content.Length && from > 0)
            {
                await Write(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{content.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
            string head = from > 0
                ? $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {from}-{content.Length - 1}/{content.Length}\r\n"
                : "HTTP/1.1 200 OK\r\n";
            await Write(stream, head + $"Content-Length: {content.Length - from}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n");
            switch (behaviour)
            {
                case Behaviour.Stall stall:
                    await Task.Delay(stall.Milliseconds);
                    return;
                case Behaviour.DropAfter drop:
                    await stream.WriteAsync(content.AsMemory((int)from, Math.Min(drop.Bytes, content.Length - (int)from)));
                    await stream.FlushAsync();
                    client.Client.LingerState = new LingerOption(true, 0); // reset, as a dropped connection does
                    return;
                default:
                    await stream.WriteAsync(content.AsMemory((int)from));
                    await stream.FlushAsync();
                    return;
            }
        }
        catch (IOException)
        {
            // the client went away
        }
        catch (SocketException)
        {
        }
    }

    private static async Task<string?> ReadHeader(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 16384)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            bytes.Add(one[0]);
            int n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
                return Encoding.ASCII.GetString(bytes.ToArray(), 0, n - 4);
        }
        return null;
    }

    private static Task Write(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try { loop.Wait(2000); } catch (AggregateException) { }
        stop.Dispose();
    }
}
