using System.IO.Compression;
using System.Text;

namespace TextureBias.Tests.Models;

/// <summary>PyTorch file containers around crafted pickles.</summary>
internal static class CraftedWeightFiles
{
    /// <summary>
    /// A legacy file: magic, protocol, system info, <paramref name="objectPickle"/>, the storage keys,
    /// then each storage as its element count and raw bytes.
    /// </summary>
    public static byte[] Legacy(byte[] objectPickle, params (string Key, long Numel, byte[] Data)[] storages)
    {
        var ms = new MemoryStream();
        ms.Write(new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.' });
        ms.Write(new byte[] { 0x80, 0x02, (byte)'M', 0xe9, 0x03, (byte)'.' });
        ms.Write(new byte[] { 0x80, 0x02, (byte)'}', (byte)'.' });
        ms.Write(objectPickle);
        var keys = new PickleBuilder().EmptyList().Mark();
        foreach (var s in storages) keys.Str(s.Key);
        ms.Write(keys.Appends().Stop().ToArray());
        foreach (var (_, numel, data) in storages)
        {
            ms.Write(BitConverter.GetBytes(numel));
            ms.Write(data);
        }
        return ms.ToArray();
    }

    /// <summary>Float32 bytes of <paramref name="n"/> values 0.5, 1.5, ...</summary>
    public static byte[] Floats(long n)
    {
        var bytes = new byte[n * 4];
        for (long i = 0; i < n; i++) BitConverter.TryWriteBytes(bytes.AsSpan((int)(i * 4)), i + 0.5f);
        return bytes;
    }

    /// <summary>A zip file of named entries (stored, or deflated with <paramref name="deflate"/>), as torch.save writes them under <c>archive/</c>.</summary>
    public static byte[] Zip(IEnumerable<(string Name, byte[] Data)> entries, bool deflate = false)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                var entry = zip.CreateEntry(name, deflate ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var s = entry.Open();
                s.Write(data);
            }
        return ms.ToArray();
    }

    /// <summary>A torch.save zip file: archive/data.pkl, archive/byteorder, archive/version and the storages.</summary>
    public static byte[] TorchZip(byte[] dataPkl, params (string Key, byte[] Data)[] storages) =>
        Zip(new[] { ("archive/data.pkl", dataPkl), ("archive/byteorder", Encoding.ASCII.GetBytes("little")), ("archive/version", Encoding.ASCII.GetBytes("3\n")) }
            .Concat(storages.Select(s => ($"archive/data/{s.Key}", s.Data))));

    /// <summary>A safetensors file with <paramref name="header"/> (JSON) and <paramref name="data"/>.</summary>
    public static byte[] Safetensors(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        return BitConverter.GetBytes((ulong)h.Length).Concat(h).Concat(data).ToArray();
    }

    /// <summary>
    /// A legacy file of a plain state_dict holding <paramref name="stateDict"/>'s float tensors
    /// (counters left out, as 2018 files have none), with <paramref name="extra"/> writing more
    /// items into the dict (a key, then a value) before it is closed.
    /// </summary>
    public static byte[] LegacyStateDict(IEnumerable<(string Key, TorchSharp.torch.Tensor Tensor)> stateDict, Action<PickleBuilder>? extra = null)
    {
        var p = new PickleBuilder().EmptyDict();
        var storages = new List<(string, long, byte[])>();
        foreach (var (key, tensor) in stateDict)
        {
            if (tensor.dtype != TorchSharp.torch.ScalarType.Float32) continue;
            string storage = storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            p.Str(key).LegacyTensor(storage, tensor.shape).SetItem();
            storages.Add((storage, tensor.numel(), tensor.contiguous().bytes.ToArray()));
        }
        extra?.Invoke(p);
        return Legacy(p.Stop().ToArray(), storages.ToArray());
    }
}
