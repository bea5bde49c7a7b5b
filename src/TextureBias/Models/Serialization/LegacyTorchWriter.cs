using System.Text;
using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

/// <summary>
/// Writes a state_dict in PyTorch's legacy (pre-1.6) format, the format of the published BagNet,
/// AdaIN and Stylized-ImageNet files: pickles of the magic number, the protocol version and the
/// system info, then an OrderedDict of tensors (<c>torch._utils._rebuild_tensor_v2</c> over
/// persistent storage ids), the storage keys, and each storage as an int64 element count
/// followed by its bytes. Any PyTorch reads it with <c>torch.load</c>.
/// </summary>
internal static class LegacyTorchWriter
{
    /// <summary>An OrderedDict with string keys (a state_dict).</summary>
    public sealed record OrderedState(IReadOnlyList<KeyValuePair<string, object?>> Items);

    /// <summary>Writes a state_dict (an OrderedDict of tensors).</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Key, Tensor Tensor)> stateDict) =>
        WriteObject(stream, new OrderedState(stateDict.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Tensor)).ToList()));

    /// <summary>
    /// Writes a tree of plain values: null, bool, int/long, double, string, tensors,
    /// <see cref="OrderedState"/> (an OrderedDict), dictionaries with string or int keys, lists.
    /// </summary>
    public static void WriteObject(Stream stream, object? root)
    {
        var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        // Magic number 0x1950a86a20f9469cfc6c as a pickled long.
        w.Write(new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.' });
        w.Write(new byte[] { 0x80, 0x02, (byte)'M', 0xe9, 0x03, (byte)'.' }); // protocol version 1001
        w.Write((byte)0x80); w.Write((byte)0x02);
        w.Write((byte)'}'); w.Write((byte)'(');
        Str(w, "protocol_version"); w.Write((byte)'M'); w.Write((ushort)1001);
        Str(w, "little_endian"); w.Write((byte)0x88);
        Str(w, "type_sizes"); w.Write((byte)'}'); w.Write((byte)'(');
        foreach (var (name, size) in new[] { ("short", 2), ("int", 4), ("long", 4) }) { Str(w, name); w.Write((byte)'K'); w.Write((byte)size); }
        w.Write((byte)'u'); w.Write((byte)'u'); w.Write((byte)'.');

        var storages = new List<Tensor>();
        w.Write((byte)0x80); w.Write((byte)0x02);
        Value(w, root, storages);
        w.Write((byte)'.');

        // The storage keys, then the storages.
        w.Write((byte)0x80); w.Write((byte)0x02); w.Write((byte)']'); w.Write((byte)'(');
        for (int i = 0; i < storages.Count; i++) Str(w, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.Write((byte)'e'); w.Write((byte)'.');
        foreach (var t in storages)
        {
            w.Write(t.numel());
            w.Write(t.bytes);
        }
        w.Flush();
        foreach (var t in storages) t.Dispose();
    }

    private static void Value(BinaryWriter w, object? value, List<Tensor> storages)
    {
        switch (value)
        {
            case null: w.Write((byte)'N'); break;
            case bool b: w.Write((byte)(b ? 0x88 : 0x89)); break;
            case int i: Int(w, i); break;
            case long l: Int(w, l); break;
            case double or float:
                w.Write((byte)'G');
                w.Write(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(BitConverter.DoubleToInt64Bits(Convert.ToDouble(value))));
                break;
            case string s: Str(w, s); break;
            case Tensor t: TensorValue(w, t, storages); break;
            case OrderedState o:
                Global(w, "collections", "OrderedDict"); w.Write((byte)')'); w.Write((byte)'R');
                w.Write((byte)'(');
                foreach (var (k, v) in o.Items) { Str(w, k); Value(w, v, storages); }
                w.Write((byte)'u');
                break;
            case System.Collections.IDictionary dict:
                w.Write((byte)'}'); w.Write((byte)'(');
                foreach (System.Collections.DictionaryEntry e in dict) { Value(w, e.Key, storages); Value(w, e.Value, storages); }
                w.Write((byte)'u');
                break;
            case System.Collections.IEnumerable list:
                w.Write((byte)']'); w.Write((byte)'(');
                foreach (var item in list) Value(w, item, storages);
                w.Write((byte)'e');
                break;
            default:
                throw new ArgumentException($"cannot pickle a {value.GetType().Name}");
        }
    }

    private static void TensorValue(BinaryWriter w, Tensor tensor, List<Tensor> storages)
    {
        // In a scope, so that no intermediate tensor is finalised by the GC while LibTorch still
        // reads it (a segfault in clone without one, when saving big networks while other threads allocate).
        Tensor t;
        using (NewDisposeScope()) t = tensor.detach().cpu().contiguous().clone().DetachFromDisposeScope();
        int key = storages.Count;
        storages.Add(t);
        Global(w, "torch._utils", "_rebuild_tensor_v2");
        w.Write((byte)'(');
        // persistent id: ('storage', torch.XStorage, key, 'cpu', numel, None)
        w.Write((byte)'(');
        Str(w, "storage"); Global(w, "torch", StorageName(t.dtype)); Str(w, key.ToString(System.Globalization.CultureInfo.InvariantCulture)); Str(w, "cpu");
        Int(w, t.numel()); w.Write((byte)'N'); w.Write((byte)'t'); w.Write((byte)'Q');
        Int(w, 0);
        Tuple(w, t.shape);
        Tuple(w, t.stride());
        w.Write((byte)0x89); // requires_grad False
        Global(w, "collections", "OrderedDict"); w.Write((byte)')'); w.Write((byte)'R'); // backward hooks
        w.Write((byte)'t'); w.Write((byte)'R');
    }

    private static void Str(BinaryWriter w, string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        w.Write((byte)'X'); w.Write(b.Length); w.Write(b);
    }

    private static void Global(BinaryWriter w, string module, string name) => w.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    private static void Int(BinaryWriter w, long v)
    {
        if (v >= 0 && v < 256) { w.Write((byte)'K'); w.Write((byte)v); }
        else if (v >= int.MinValue && v <= int.MaxValue) { w.Write((byte)'J'); w.Write((int)v); }
        else { w.Write((byte)0x8a); w.Write((byte)8); w.Write(v); }
    }

    private static void Tuple(BinaryWriter w, long[] values)
    {
        w.Write((byte)'(');
        foreach (var v in values) Int(w, v);
        w.Write((byte)'t');
    }

    private static string StorageName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "FloatStorage",
        ScalarType.Float64 => "DoubleStorage",
        ScalarType.Float16 => "HalfStorage",
        ScalarType.BFloat16 => "BFloat16Storage",
        ScalarType.Int64 => "LongStorage",
        ScalarType.Int32 => "IntStorage",
        ScalarType.Int16 => "ShortStorage",
        ScalarType.Int8 => "CharStorage",
        ScalarType.Byte => "ByteStorage",
        ScalarType.Bool => "BoolStorage",
        _ => throw new ArgumentException($"cannot write {dtype} tensors in the legacy format"),
    };
}
