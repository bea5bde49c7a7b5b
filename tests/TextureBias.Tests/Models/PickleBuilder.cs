using System.Text;

namespace TextureBias.Tests.Models;

/// <summary>
/// Writes pickles opcode by opcode, and wraps them as PyTorch files (legacy and zip), so tests
/// can craft exactly the hostile or broken files a security review feeds the readers: no
/// malicious blob is committed, each test writes its own.
/// </summary>
internal sealed class PickleBuilder
{
    private readonly List<byte> _b = new();

    public PickleBuilder(int protocol = 2)
    {
        _b.Add(0x80);
        _b.Add((byte)protocol);
    }

    public byte[] ToArray() => _b.ToArray();

    public PickleBuilder Op(char op) { _b.Add((byte)op); return this; }

    public PickleBuilder Op(byte op) { _b.Add(op); return this; }

    public PickleBuilder Raw(params byte[] bytes) { _b.AddRange(bytes); return this; }

    public PickleBuilder Mark() => Op('(');

    public PickleBuilder Tuple() => Op('t');

    public PickleBuilder None() => Op('N');

    public PickleBuilder False() => Op(0x89);

    public PickleBuilder Stop() => Op('.');

    public PickleBuilder Reduce() => Op('R');

    public PickleBuilder EmptyDict() => Op('}');

    public PickleBuilder EmptyList() => Op(']');

    public PickleBuilder SetItem() => Op('s');

    public PickleBuilder Append() => Op('a');

    public PickleBuilder Appends() => Op('e');

    /// <summary>LONG_BINPUT: memo[i] = top.</summary>
    public PickleBuilder Put(int i) { Op('r'); _b.AddRange(BitConverter.GetBytes((uint)i)); return this; }

    /// <summary>LONG_BINGET: push memo[i].</summary>
    public PickleBuilder Get(int i) { Op('j'); _b.AddRange(BitConverter.GetBytes((uint)i)); return this; }

    public PickleBuilder Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op('X');
        _b.AddRange(BitConverter.GetBytes((uint)bytes.Length));
        _b.AddRange(bytes);
        return this;
    }

    /// <summary>An integer as LONG1 with 8 bytes (any 64-bit value), or <paramref name="bytes"/> bytes.</summary>
    public PickleBuilder Int(long v, int bytes = 8)
    {
        Op(0x8a);
        _b.Add((byte)bytes);
        var le = BitConverter.GetBytes(v);
        for (int i = 0; i < bytes; i++) _b.Add(i < 8 ? le[i] : (byte)(v < 0 ? 0xff : 0));
        return this;
    }

    /// <summary>An integer of any size, as LONG1 of its two's-complement little-endian bytes.</summary>
    public PickleBuilder BigInt(System.Numerics.BigInteger v)
    {
        var bytes = v.ToByteArray();
        Op(0x8a);
        _b.Add((byte)bytes.Length);
        _b.AddRange(bytes);
        return this;
    }

    public PickleBuilder Global(string module, string name)
    {
        Op('c');
        _b.AddRange(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
        return this;
    }

    /// <summary>A legacy persistent storage id: ('storage', torch.TYPE, key, 'cpu', numel, view).</summary>
    public PickleBuilder LegacyStorage(string key, long numel, string type = "FloatStorage", (long Offset, long Size)? view = null)
    {
        Mark().Str("storage").Global("torch", type).Str(key).Str("cpu").Int(numel);
        if (view is { } v) Mark().Str(key + "v").Int(v.Offset).Int(v.Size).Tuple();
        else None();
        return Tuple().Op('Q');
    }

    /// <summary>A zip-format persistent storage id: ('storage', torch.TYPE, key, 'cpu', numel).</summary>
    public PickleBuilder ZipStorage(string key, long numel, string type = "FloatStorage") =>
        Mark().Str("storage").Global("torch", type).Str(key).Str("cpu").Int(numel).Tuple().Op('Q');

    /// <summary>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()); the storage id is written by <paramref name="storage"/>.</summary>
    public PickleBuilder Tensor(Action<PickleBuilder> storage, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        storage(this);
        Int(offset);
        Mark(); foreach (var s in size) Int(s); Tuple();
        Mark(); foreach (var s in stride) Int(s); Tuple();
        False();
        Global("collections", "OrderedDict").Mark().Tuple().Reduce();
        return Tuple().Reduce();
    }

    /// <summary>A contiguous float tensor over the whole legacy storage <paramref name="key"/>.</summary>
    public PickleBuilder LegacyTensor(string key, params long[] size) =>
        Tensor(p => p.LegacyStorage(key, size.Aggregate(1L, (a, b) => a * b)), 0, size, ContiguousStrides(size));

    public static long[] ContiguousStrides(long[] size)
    {
        var stride = new long[size.Length];
        long s = 1;
        for (int i = size.Length - 1; i >= 0; i--) { stride[i] = s; s *= Math.Max(1, size[i]); }
        return stride;
    }
}
