using System.IO.Compression;
using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

/// <summary>
/// Reads files written by <c>torch.save</c>: the zip format (PyTorch ≥ 1.6) and the legacy
/// format (a magic number, protocol and system-info pickles, the object pickle, the list of
/// storage keys, then each storage as an int64 element count followed by its raw bytes), in
/// which every published weight file of the BagNet, AdaIN and Stylized-ImageNet papers is.
/// The result is the unpickled object tree with <see cref="Tensor"/> leaves.
/// </summary>
internal static class TorchFile
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);

    /// <summary>What kind of file the first bytes say this is.</summary>
    public static string Sniff(byte[] head)
    {
        if (head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return "zip";
        if (head.Length >= 2 && head[0] == 0x80 && head[1] <= 5) return "pickle";
        if (head.Length >= 262 && System.Text.Encoding.ASCII.GetString(head, 257, 5) == "ustar") return "tar";
        if (head.Length >= 4 && head[0] == 0x89 && head[1] == 'H' && head[2] == 'D' && head[3] == 'F') return "hdf5";
        if (head.Length >= 10 && head[8] == '{' && BitConverter.ToUInt64(head, 0) < 100_000_000) return "safetensors";
        if (head.Length >= 8 && head[0] == 0x08 && head.Take(8).Contains((byte)0x12)) return "onnx";
        return "unknown";
    }

    /// <summary>The most a zip file's <c>data.pkl</c> may inflate to; a state_dict's pickle takes kilobytes.</summary>
    public const long MaxPickleBytes = 32L << 20;

    /// <summary>
    /// What the storages of a zip file may inflate to: 64 MiB plus 4× their compressed bytes. torch.save
    /// stores storages uncompressed; other writers deflate (zeros shrink 20–1000×, weights hardly),
    /// so real files stay far below; a zip bomb is refused before anything is allocated.
    /// </summary>
    private const long InflationAllowance = 64L << 20, MaxInflation = 4;

    /// <summary>How deeply containers may nest; weight files nest a few levels, whole modules a few dozen.</summary>
    public const int MaxDepth = 500;

    /// <summary>How many containers and values the tree may have (each visited once, shared ones once).</summary>
    public const long MaxNodes = 20_000_000;

    /// <summary>How many tensors a file may hold; the largest published networks have a few thousand.</summary>
    public const int MaxTensors = 200_000;

    public static TorchTree LoadZip(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        if (zip.Entries.Any(e => e.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal) || e.FullName.Contains("/code/", StringComparison.Ordinal)))
            throw new FormatException("a TorchScript archive (torch.jit.save), not a state_dict; save model.state_dict() with torch.save instead");
        var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
            ?? throw new FormatException("a zip file without data.pkl, not a PyTorch file");
        string prefix = pkl.FullName[..^"data.pkl".Length];
        if (zip.GetEntry(prefix + "byteorder") is { } byteOrder)
        {
            var order = System.Text.Encoding.ASCII.GetString(ReadEntry(byteOrder, 16, "byteorder")).Trim();
            if (order != "little") throw new FormatException($"written on a {Printable(order)}-endian machine; only little-endian files are supported");
        }

        var storages = new Dictionary<string, StorageRef>();
        object? PersistentLoad(object? pid)
        {
            if (pid is not object?[] t || t.Length < 5 || AsText(t[0]) != "storage")
                throw new FormatException("malformed storage record in data.pkl");
            return Register(storages, t);
        }

        var reader = new PickleReader(new BinaryReader(new MemoryStream(ReadEntry(pkl, MaxPickleBytes, "data.pkl"))), PersistentLoad);
        var root = reader.Load();

        var tensors = new Dictionary<string, Tensor>();
        try
        {
            long compressed = 0, inflated = 0, elements = 0;
            var entries = new Dictionary<string, ZipArchiveEntry>();
            foreach (var s in storages.Values)
            {
                var entry = zip.GetEntry(prefix + "data/" + s.Key) ?? throw new FormatException($"storage data/{Printable(s.Key)} is missing from the archive");
                long bytes = StorageBytes(s);
                if (entry.Length < bytes) throw new FormatException($"storage data/{Printable(s.Key)} holds {entry.Length} bytes, {bytes} expected (truncated file?)");
                compressed = checked(compressed + entry.CompressedLength);
                inflated = checked(inflated + bytes);
                entries[s.Key] = entry;
            }
            if (compressed > stream.Length)
                throw new FormatException("its storage entries overlap (together larger than the file: a crafted zip?)");
            if (inflated > InflationAllowance + MaxInflation * compressed)
                throw new FormatException($"its storages would inflate {compressed:N0} compressed bytes to {inflated:N0} (a zip bomb?)");
            foreach (var s in storages.Values)
            {
                var entry = entries[s.Key];
                using var es = entry.Open();
                tensors[s.Key] = ReadStorage(es, s);
                elements += s.Numel;
            }
            return new TorchTree(Materialize(root, tensors), elements, reader.Globals);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    public static TorchTree LoadLegacy(Stream stream)
    {
        var input = new BinaryReader(stream);
        object? NoPersistent(object? _) => throw new FormatException("unexpected persistent id in a header pickle");

        var magic = new PickleReader(input, NoPersistent).Load();
        if (!(magic is long m && m == LegacyMagic || magic is BigInteger b && b == LegacyMagic))
            throw new FormatException("a Python pickle, but not a PyTorch file (wrong magic number)");
        var protocol = new PickleReader(input, NoPersistent).Load();
        if (protocol is not 1001L) throw new FormatException($"unsupported legacy protocol version {Printable(protocol?.ToString() ?? "None")}");
        var sysInfo = new PickleReader(input, NoPersistent).Load() as PyDict;
        if (sysInfo != null && sysInfo.TryGetValue("little_endian", out var le) && le is false)
            throw new FormatException("written on a big-endian machine; only little-endian files are supported");

        var storages = new Dictionary<string, StorageRef>();
        object? PersistentLoad(object? pid)
        {
            if (pid is not object?[] t || t.Length < 1) throw new FormatException("malformed persistent id");
            string kind = AsText(t[0]);
            if (kind == "module") return t.Length > 1 ? t[1] : null; // a pickled container type
            if (kind != "storage" || t.Length < 6) throw new FormatException("malformed storage record");
            var root = Register(storages, t);
            switch (t[5])
            {
                case null:
                    return root;
                case object?[] { Length: 3 } view:
                    long offset = PickleReader.Integer(view[1], "storage view offset");
                    long size = PickleReader.Integer(view[2], "storage view size");
                    if (offset > root.Numel || size > root.Numel - offset) throw new FormatException("storage view outside its storage");
                    return root with { ViewOffset = offset, ViewNumel = size };
                default:
                    throw new FormatException($"malformed storage view record (a {PickleReader.Describe(t[5])})");
            }
        }

        var reader = new PickleReader(input, PersistentLoad);
        var result = reader.Load();
        if (new PickleReader(input, NoPersistent).Load() is not List<object?> keys)
            throw new FormatException("the list of storage keys is missing");

        var tensors = new Dictionary<string, Tensor>();
        try
        {
            long elements = 0;
            foreach (var k in keys)
            {
                string key = AsText(k);
                if (!storages.TryGetValue(key, out var s)) throw new FormatException($"storage {Printable(key)} is listed but never used");
                if (tensors.ContainsKey(key)) throw new FormatException($"storage {Printable(key)} is listed twice");
                long numel = ReadInt64(stream);
                if (numel != s.Numel) throw new FormatException($"storage {Printable(key)} has {numel} elements in the file, {s.Numel} in the pickle");
                long left = stream.Length - stream.Position;
                long bytes = StorageBytes(s);
                if (bytes > left)
                    throw new FormatException($"storage {Printable(key)} needs {bytes:N0} bytes, only {left:N0} are left (truncated file?)");
                tensors[key] = ReadStorage(stream, s);
                elements += s.Numel;
            }
            return new TorchTree(Materialize(result, tensors), elements, reader.Globals);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// The storage a persistent id <c>('storage', type, key, location, numel, ...)</c> names, registered at its
    /// first mention; a later mention must describe it the same way.
    /// </summary>
    private static StorageRef Register(Dictionary<string, StorageRef> storages, object?[] id)
    {
        long numel = PickleReader.Integer(id[4], "storage size");
        string key = AsText(id[2]);
        var dtype = PickleReader.StorageDtype(id[1]);
        if (!storages.TryGetValue(key, out var storage))
            storages[key] = storage = new StorageRef(key, dtype, numel);
        else if (storage.Dtype != dtype || storage.Numel != numel)
            throw new FormatException($"storage {Printable(key)} is described twice, differently");
        return storage;
    }

    /// <summary>The bytes of a storage, refused when they overflow 64 bits.</summary>
    private static long StorageBytes(StorageRef s)
    {
        try { return checked(s.Numel * s.ElementSize); }
        catch (OverflowException) { throw new FormatException($"storage {Printable(s.Key)} claims {s.Numel} elements, more than 64-bit sizes hold"); }
    }

    /// <summary>An entry's bytes, at most <paramref name="limit"/> of them inflated (a zip bomb stops there).</summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long limit, string what)
    {
        if (entry.Length > limit) throw new FormatException($"its {what} inflates to {entry.Length:N0} bytes, more than the {limit:N0} a weight file needs (a zip bomb?)");
        using var source = entry.Open();
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = source.Read(chunk)) > 0)
        {
            if (buffer.Length + n > limit) throw new FormatException($"its {what} inflates past {limit:N0} bytes, more than a weight file needs (a zip bomb?)");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static long ReadInt64(Stream s)
    {
        Span<byte> b = stackalloc byte[8];
        if (s.ReadAtLeast(b, 8, throwOnEndOfStream: false) != 8) throw new FormatException("the file ends before its storages (truncated file?)");
        return BitConverter.ToInt64(b);
    }

    private static Tensor ReadStorage(Stream s, StorageRef storage)
    {
        long total = StorageBytes(storage);
        if (total > int.MaxValue) throw new FormatException($"storage {Printable(storage.Key)} is larger than 2 GiB, which is not supported");
        var t = torch.empty(storage.Numel, storage.Dtype);
        var span = t.bytes;
        int read = s.ReadAtLeast(span, span.Length, throwOnEndOfStream: false);
        if (read != span.Length)
        {
            t.Dispose();
            throw new FormatException($"storage {Printable(storage.Key)} ends after {read:N0} of {total:N0} bytes (truncated file?)");
        }
        return t;
    }

    private static string AsText(object? o) => o switch
    {
        string s => s,
        byte[] b => System.Text.Encoding.ASCII.GetString(b),
        _ => throw new FormatException($"expected text, got a {PickleReader.Describe(o)}"),
    };

    /// <summary>Text from the file, safe to print on one line: control characters replaced, at most <paramref name="max"/> characters.</summary>
    internal static string Printable(string s, int max = 80)
    {
        var clean = new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= max ? clean : clean[..(max - 3)] + "...";
    }

    /// <summary>
    /// Replaces every tensor record in the tree by a view of its storage (storages are shared, never
    /// copied). Each container is visited once, however often it is referenced (a pickle's memo
    /// can make a few bytes stand for 2^64 paths); depth and size are bounded, and a container
    /// that holds itself stays as it is.
    /// </summary>
    private static object? Materialize(object? root, Dictionary<string, Tensor> storages)
    {
        var done = new Dictionary<object, object?>(ReferenceEqualityComparer.Instance);
        var views = new List<Tensor>();
        long nodes = 0;

        object? Visit(object? node, int depth)
        {
            if (node is null or string or long or double or bool or byte[] or BigInteger or PyGlobal) return node;
            if (done.TryGetValue(node, out var seen)) return seen;
            if (++nodes > MaxNodes) throw new FormatException($"its object tree has more than {MaxNodes:N0} nodes (a crafted file?)");
            if (depth > MaxDepth) throw new FormatException($"its containers nest more than {MaxDepth} levels deep (a crafted file?)");
            switch (node)
            {
                case TensorRef t:
                    var storage = storages.TryGetValue(t.Storage.Key, out var st) ? st
                        : throw new FormatException($"storage {Printable(t.Storage.Key)} was never written");
                    if (views.Count >= MaxTensors) throw new FormatException($"it holds more than {MaxTensors:N0} tensors (a crafted file?)");
                    using (var scope = NewDisposeScope())
                    {
                        // as_strided's offset counts from the storage's start, so a legacy storage view's offset is added.
                        long offset = t.Storage.ViewNumel >= 0 ? t.Storage.ViewOffset + t.Offset : t.Offset;
                        var view = storage.as_strided(t.Size, t.Stride, offset).MoveToOuterDisposeScope();
                        views.Add(view);
                        done[node] = view;
                        return view;
                    }
                case PyDict d:
                    done[node] = d;
                    foreach (var key in d.Keys.ToList()) d[key] = Visit(d[key], depth + 1);
                    d.State = Visit(d.State, depth + 1);
                    return d;
                case List<object?> l:
                    done[node] = l;
                    for (int i = 0; i < l.Count; i++) l[i] = Visit(l[i], depth + 1);
                    return l;
                case object?[] a:
                    done[node] = a;
                    for (int i = 0; i < a.Length; i++) a[i] = Visit(a[i], depth + 1);
                    return a;
                case PyInstance p:
                    done[node] = p;
                    for (int i = 0; i < p.Args.Length; i++) p.Args[i] = Visit(p.Args[i], depth + 1);
                    p.State = Visit(p.State, depth + 1);
                    return p;
                default:
                    done[node] = node;
                    return node;
            }
        }

        try
        {
            return Visit(root, 0);
        }
        catch
        {
            foreach (var v in views) v.Dispose();
            throw;
        }
    }
}
