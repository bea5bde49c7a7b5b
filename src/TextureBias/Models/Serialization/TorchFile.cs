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

    public static object? LoadZip(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
            ?? throw new FormatException(zip.Entries.Any(e => e.FullName.EndsWith("constants.pkl", StringComparison.Ordinal))
                ? "a TorchScript archive (torch.jit.save), not a state_dict; save model.state_dict() with torch.save instead"
                : "a zip file without data.pkl, not a PyTorch file");
        string prefix = pkl.FullName[..^"data.pkl".Length];
        var byteOrder = zip.GetEntry(prefix + "byteorder");
        if (byteOrder != null)
        {
            using var r = new StreamReader(byteOrder.Open());
            var order = r.ReadToEnd().Trim();
            if (order != "little") throw new FormatException($"written on a {order}-endian machine; only little-endian files are supported");
        }

        var storages = new Dictionary<string, StorageRef>();
        object? PersistentLoad(object? pid)
        {
            if (pid is not object?[] t || t.Length < 5 || AsText(t[0]) != "storage" || t[4] is not long numel || numel < 0)
                throw new FormatException("malformed storage record in data.pkl");
            string key = AsText(t[2]);
            if (!storages.TryGetValue(key, out var s))
                storages[key] = s = new StorageRef(key, PickleReader.StorageDtype(t[1]), numel);
            return s;
        }

        var pickle = new MemoryStream();
        using (var ps = pkl.Open()) ps.CopyTo(pickle);
        pickle.Position = 0;
        var root = new PickleReader(new BinaryReader(pickle), PersistentLoad).Load();

        var tensors = new Dictionary<string, Tensor>();
        foreach (var s in storages.Values)
        {
            var entry = zip.GetEntry(prefix + "data/" + s.Key) ?? throw new FormatException($"storage data/{s.Key} is missing from the archive");
            long bytes = s.Numel * s.ElementSize;
            if (entry.Length < bytes) throw new FormatException($"storage data/{s.Key} holds {entry.Length} bytes, {bytes} expected (truncated file?)");
            using var es = entry.Open();
            tensors[s.Key] = ReadStorage(es, s);
        }
        return MaterializeAndFree(root, tensors);
    }

    public static object? LoadLegacy(Stream stream)
    {
        var input = new BinaryReader(stream);
        object? NoPersistent(object? _) => throw new FormatException("unexpected persistent id in a header pickle");

        var magic = new PickleReader(input, NoPersistent).Load();
        if (!(magic is long m && m == LegacyMagic || magic is BigInteger b && b == LegacyMagic))
            throw new FormatException("a Python pickle, but not a PyTorch file (wrong magic number)");
        var protocol = new PickleReader(input, NoPersistent).Load();
        if (protocol is not 1001L) throw new FormatException($"unsupported legacy protocol version {protocol}");
        var sysInfo = new PickleReader(input, NoPersistent).Load() as PyDict;
        if (sysInfo != null && sysInfo.TryGetValue("little_endian", out var le) && le is false)
            throw new FormatException("written on a big-endian machine; only little-endian files are supported");

        var storages = new Dictionary<string, StorageRef>();
        object? PersistentLoad(object? pid)
        {
            if (pid is not object?[] t || t.Length < 1) throw new FormatException("malformed persistent id");
            string kind = AsText(t[0]);
            if (kind == "module") return t.Length > 1 ? t[1] : null; // a pickled container type
            if (kind != "storage" || t.Length < 6 || t[4] is not long numel || numel < 0)
                throw new FormatException("malformed storage record");
            string key = AsText(t[2]);
            if (!storages.TryGetValue(key, out var root))
                storages[key] = root = new StorageRef(key, PickleReader.StorageDtype(t[1]), numel);
            if (t[5] is object?[] { Length: 3 } view && view[1] is long offset && view[2] is long size)
            {
                if (offset < 0 || size < 0 || offset + size > root.Numel) throw new FormatException("storage view outside its storage");
                return root with { ViewOffset = offset, ViewNumel = size };
            }
            return root;
        }

        var result = new PickleReader(input, PersistentLoad).Load();
        if (new PickleReader(input, NoPersistent).Load() is not List<object?> keys)
            throw new FormatException("the list of storage keys is missing");

        var tensors = new Dictionary<string, Tensor>();
        foreach (var k in keys)
        {
            string key = AsText(k);
            if (!storages.TryGetValue(key, out var s)) throw new FormatException($"storage {key} is listed but never used");
            long numel = ReadInt64(stream);
            if (numel != s.Numel) throw new FormatException($"storage {key} has {numel} elements in the file, {s.Numel} in the pickle");
            long left = stream.Length - stream.Position;
            if (numel * s.ElementSize > left)
                throw new FormatException($"storage {key} needs {numel * s.ElementSize:N0} bytes, only {left:N0} are left (truncated file?)");
            tensors[key] = ReadStorage(stream, s);
        }
        return MaterializeAndFree(result, tensors);
    }

    private static long ReadInt64(Stream s)
    {
        Span<byte> b = stackalloc byte[8];
        if (s.ReadAtLeast(b, 8, throwOnEndOfStream: false) != 8) throw new FormatException("the file ends before its storages (truncated file?)");
        return BitConverter.ToInt64(b);
    }

    private static Tensor ReadStorage(Stream s, StorageRef storage)
    {
        var t = torch.empty(storage.Numel, storage.Dtype);
        long total = storage.Numel * storage.ElementSize;
        if (total > int.MaxValue) throw new FormatException($"storage {storage.Key} is larger than 2 GiB, which is not supported");
        var span = t.bytes;
        int read = s.ReadAtLeast(span, span.Length, throwOnEndOfStream: false);
        if (read != span.Length)
        {
            t.Dispose();
            throw new FormatException($"storage {storage.Key} ends after {read:N0} of {total:N0} bytes (truncated file?)");
        }
        return t;
    }

    private static string AsText(object? o) => o switch
    {
        string s => s,
        byte[] b => System.Text.Encoding.ASCII.GetString(b),
        _ => throw new FormatException($"expected text, got a {PickleReader.Describe(o)}"),
    };

    /// <summary>Replaces every tensor record in the tree by a tensor with its own memory.</summary>
    private static object? Materialize(object? node, Dictionary<string, Tensor> storages)
    {
        switch (node)
        {
            case TensorRef t:
                var storage = storages.TryGetValue(t.Storage.Key, out var st) ? st
                    : throw new FormatException($"storage {t.Storage.Key} was never written");
                using (var scope = NewDisposeScope())
                {
                    var baseTensor = t.Storage.ViewNumel >= 0 ? storage.narrow(0, t.Storage.ViewOffset, t.Storage.ViewNumel) : storage;
                    return baseTensor.as_strided(t.Size, t.Stride, t.Offset).clone().MoveToOuterDisposeScope();
                }
            case PyDict d:
                foreach (var key in d.Keys.ToList()) d[key] = Materialize(d[key], storages);
                return d;
            case List<object?> l:
                for (int i = 0; i < l.Count; i++) l[i] = Materialize(l[i], storages);
                return l;
            case object?[] a:
                for (int i = 0; i < a.Length; i++) a[i] = Materialize(a[i], storages);
                return a;
            case PyInstance p:
                for (int i = 0; i < p.Args.Length; i++) p.Args[i] = Materialize(p.Args[i], storages);
                p.State = Materialize(p.State, storages);
                return p;
            default:
                return node;
        }
    }

    private static object? MaterializeAndFree(object? root, Dictionary<string, Tensor> storages)
    {
        try { return Materialize(root, storages); }
        finally { foreach (var t in storages.Values) t.Dispose(); }
    }
}
