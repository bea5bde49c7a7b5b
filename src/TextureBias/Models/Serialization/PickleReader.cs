using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

/// <summary>
/// A restricted Python unpickler (protocols 0–5) for PyTorch weight files. It never imports or
/// calls anything: the few globals a weight file needs (tensor and parameter rebuilders,
/// OrderedDict, storage types, sets, bytes, numpy scalars) are interpreted here, every other
/// global stays an inert <see cref="PyGlobal"/>/<see cref="PyInstance"/>. Malformed input raises
/// <see cref="FormatException"/> with the cause. What a pickle may build is bounded
/// (<see cref="MaxBuiltBytes"/>): a small file cannot make it allocate gigabytes by copying a list
/// or a string again and again.
/// </summary>
internal sealed class PickleReader
{
    /// <summary>About how much memory the values of one pickle may take; a state_dict's take a few megabytes.</summary>
    public const long MaxBuiltBytes = 512L << 20;

    /// <summary>How deeply <c>_rebuild_from_type_v2</c> records may nest (PyTorch writes one level).</summary>
    private const int MaxRebuildDepth = 16;

    private readonly BinaryReader _in;
    private readonly Func<object?, object?> _persistentLoad;
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private long _built;

    public PickleReader(BinaryReader input, Func<object?, object?> persistentLoad)
    {
        _in = input;
        _persistentLoad = persistentLoad;
    }

    /// <summary>Every global (<c>module.name</c>) the pickles read so far named, in order of first mention.</summary>
    public List<string> Globals { get; } = new();

    /// <summary>Reads one pickle (up to its STOP opcode) and returns its value.</summary>
    public object? Load()
    {
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        while (true)
        {
            int op = _in.BaseStream.ReadByte();
            if (op < 0) throw new FormatException("the pickle ends before its STOP opcode (truncated file?)");
            switch (op)
            {
                case 0x80: // PROTO
                    int proto = _in.ReadByte();
                    if (proto > 5) throw new FormatException($"unsupported pickle protocol {proto}");
                    break;
                case 0x95: _in.ReadUInt64(); break; // FRAME
                case '.': // STOP
                    if (_stack.Count == 0) throw new FormatException("empty pickle");
                    return Pop();
                case '(': _marks.Push(_stack.Count); break;
                case '0': Pop(); break;
                case '1': PopMark(); break;
                case '2': Push(Peek()); break;

                case 'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case 'I': Push(ParseTextInt(ReadLine())); break;
                case 'J': Push((long)_in.ReadInt32()); break;
                case 'K': Push((long)_in.ReadByte()); break;
                case 'M': Push((long)_in.ReadUInt16()); break;
                case 'L': Push(ParseTextLong(ReadLine())); break;
                case 0x8a: Push(ReadLong(_in.ReadByte())); break;
                case 0x8b: Push(ReadLong(CheckedLength(_in.ReadInt32()))); break;
                case 'F': Push(double.Parse(ReadLine(), System.Globalization.CultureInfo.InvariantCulture)); break;
                case 'G': Push(BitConverter.Int64BitsToDouble(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(ReadBytes(8)))); break;

                case 'S': Push(ParseQuotedString(ReadLine())); break;
                case 'T': Push(Encoding.Latin1.GetString(ReadBytes(CheckedLength(_in.ReadInt32())))); break;
                case 'U': Push(Encoding.Latin1.GetString(ReadBytes(_in.ReadByte()))); break;
                case 'V': Push(DecodeRawUnicodeEscape(ReadLine())); break;
                case 'X': Push(Encoding.UTF8.GetString(ReadBytes(CheckedLength(_in.ReadUInt32())))); break;
                case 0x8c: Push(Encoding.UTF8.GetString(ReadBytes(_in.ReadByte()))); break;
                case 0x8d: Push(Encoding.UTF8.GetString(ReadBytes(CheckedLength(_in.ReadUInt64())))); break;
                case 'B': Push(ReadBytes(CheckedLength(_in.ReadUInt32()))); break;
                case 'C': Push(ReadBytes(_in.ReadByte())); break;
                case 0x8e: Push(ReadBytes(CheckedLength(_in.ReadUInt64()))); break;
                case 0x96: Push(ReadBytes(CheckedLength(_in.ReadUInt64()))); break; // BYTEARRAY8

                case ')': Push(Array.Empty<object?>()); break;
                case 't': Push(PopMark().ToArray()); break;
                case 0x85: Push(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }

                case ']': Push(new List<object?>()); break;
                case 'l': Push(PopMark()); break;
                case 'a': { var v = Pop(); Spend(8); AsList(Peek()).Add(v); break; }
                case 'e': { var items = PopMark(); Spend(8L * items.Count); AsList(Peek()).AddRange(items); break; }

                case '}': Push(new PyDict()); break;
                case 'd': Push(ToDict(PopMark())); break;
                case 's': { var v = Pop(); var k = Pop(); Spend(24); SetItem(Peek(), k, v); break; }
                case 'u': { var items = PopMark(); Spend(12L * items.Count); var d = Peek(); for (int i = 0; i + 1 < items.Count; i += 2) SetItem(d, items[i], items[i + 1]); break; }

                case 0x8f: Push(new List<object?>()); break; // EMPTY_SET
                case 0x90: { var items = PopMark(); Spend(8L * items.Count); AsList(Peek()).AddRange(items); break; } // ADDITEMS
                case 0x91: Push(PopMark()); break; // FROZENSET

                case 'p': Spend(48); _memo[ParseTextInt(ReadLine())] = Peek(); break;
                case 'q': Spend(48); _memo[_in.ReadByte()] = Peek(); break;
                case 'r': Spend(48); _memo[_in.ReadUInt32()] = Peek(); break;
                case 0x94: Spend(48); _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case 'g': Push(Memo(ParseTextInt(ReadLine()))); break;
                case 'h': Push(Memo(_in.ReadByte())); break;
                case 'j': Push(Memo(_in.ReadUInt32())); break;

                case 'c': { var module = ReadLine(); var name = ReadLine(); Push(Global(module, name)); break; }
                case 0x93: { var name = Pop() as string; var module = Pop() as string; Push(Global(module ?? "?", name ?? "?")); break; }
                case 'R': { var args = AsTuple(Pop()); var callable = Pop(); Push(Reduce(callable, args, 0)); break; }
                case 0x81: { var args = AsTuple(Pop()); var cls = Pop(); Push(NewObject(cls, args)); break; } // NEWOBJ
                case 0x92: { Pop(); var args = AsTuple(Pop()); var cls = Pop(); Push(NewObject(cls, args)); break; } // NEWOBJ_EX
                case 'i': { var module = ReadLine(); var name = ReadLine(); Push(NewObject(Global(module, name), PopMark().ToArray())); break; }
                case 'o': { var items = PopMark(); if (items.Count == 0) throw new FormatException("OBJ without a class"); Push(NewObject(items[0], items.Skip(1).ToArray())); break; }
                case 'b': { var state = Pop(); Build(Peek(), state); break; }

                case 'P': Push(_persistentLoad(ReadLine())); break;
                case 'Q': Push(_persistentLoad(Pop())); break;

                default:
                    throw new FormatException($"unsupported or invalid pickle opcode 0x{op:x2} at byte {_in.BaseStream.Position - 1}");
            }
        }
    }

    private void Push(object? v)
    {
        Spend(v switch
        {
            string text => 32 + 2L * text.Length,
            byte[] bytes => 32 + bytes.LongLength,
            List<object?> list => 32 + 8L * list.Count,
            object?[] tuple => 32 + 8L * tuple.Length,
            _ => 32,
        });
        _stack.Add(v);
    }

    /// <summary>Counts memory a value takes; past <see cref="MaxBuiltBytes"/> the file is refused.</summary>
    private void Spend(long bytes)
    {
        _built += bytes;
        if (_built > MaxBuiltBytes)
            throw new FormatException($"its pickle builds more than {MaxBuiltBytes >> 20} MB of values (a weight file's builds a few MB; a crafted file?)");
    }

    private PyGlobal Global(string module, string name)
    {
        var g = new PyGlobal(module, name);
        if (Globals.Count < 10_000 && !Globals.Contains(g.FullName)) Globals.Add(g.FullName);
        return g;
    }

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count <= _marks.Peek()))
            throw new FormatException("pickle stack underflow");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw new FormatException("pickle stack underflow");

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw new FormatException("pickle MARK missing");
        int m = _marks.Pop();
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private object? Memo(long key) => _memo.TryGetValue(key, out var v) ? v : throw new FormatException($"pickle memo key {key} missing");

    private byte[] ReadBytes(int n)
    {
        var b = _in.ReadBytes(n);
        if (b.Length != n) throw new FormatException("the pickle ends inside a value (truncated file?)");
        return b;
    }

    private int CheckedLength(long n)
    {
        long left = _in.BaseStream.CanSeek ? _in.BaseStream.Length - _in.BaseStream.Position : int.MaxValue;
        if (n < 0 || n > int.MaxValue || n > left) throw new FormatException($"pickle value length {n} is larger than the file");
        return (int)n;
    }

    private int CheckedLength(ulong n) => CheckedLength(n > long.MaxValue ? -1 : (long)n);

    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int c = _in.BaseStream.ReadByte();
            if (c < 0) throw new FormatException("the pickle ends inside a text line (truncated file?)");
            if (c == '\n') return sb.ToString();
            if (sb.Length > 1 << 20) throw new FormatException("pickle text line too long");
            sb.Append((char)c);
        }
    }

    private static long ParseTextInt(string s) => s switch
    {
        "00" => 0, // protocol-0 False
        "01" => 1, // protocol-0 True
        _ => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static object ParseTextLong(string s)
    {
        var v = BigInteger.Parse(s.TrimEnd('L'), System.Globalization.CultureInfo.InvariantCulture);
        return v >= long.MinValue && v <= long.MaxValue ? (object)(long)v : v;
    }

    private object ReadLong(int n)
    {
        if (n == 0) return 0L;
        var v = new BigInteger(ReadBytes(n), isUnsigned: false, isBigEndian: false);
        return v >= long.MinValue && v <= long.MaxValue ? (object)(long)v : v;
    }

    private static string ParseQuotedString(string s)
    {
        if (s.Length >= 2 && (s[0] == '\'' || s[0] == '"') && s[^1] == s[0]) s = s[1..^1];
        return System.Text.RegularExpressions.Regex.Unescape(s);
    }

    private static string DecodeRawUnicodeEscape(string s) =>
        System.Text.RegularExpressions.Regex.Replace(s, @"\\u([0-9a-fA-F]{4})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    private static List<object?> AsList(object? o) =>
        o as List<object?> ?? throw new FormatException($"pickle APPEND on a {Describe(o)}");

    private static object?[] AsTuple(object? o) =>
        o as object?[] ?? throw new FormatException($"pickle expected a tuple of arguments, got a {Describe(o)}");

    private static PyDict ToDict(List<object?> items)
    {
        var d = new PyDict();
        for (int i = 0; i + 1 < items.Count; i += 2) SetItem(d, items[i], items[i + 1]);
        return d;
    }

    private static void SetItem(object? dict, object? key, object? value)
    {
        if (dict is not PyDict d) throw new FormatException($"pickle SETITEM on a {Describe(dict)}");
        d[key ?? "None"] = value;
    }

    /// <summary>What a value is, in Python's words (list, tuple, dict, str, ...).</summary>
    internal static string Describe(object? o) => o switch
    {
        null => "None",
        PyInstance p => TorchFile.Printable(p.Type.FullName) + " object",
        PyGlobal g => TorchFile.Printable(g.FullName),
        PyDict => "dict",
        List<object?> => "list",
        object?[] => "tuple",
        string => "str",
        long or BigInteger => "int",
        double => "float",
        bool => "bool",
        byte[] => "bytes",
        _ => o.GetType().Name,
    };

    private static void Build(object? target, object? state)
    {
        switch (target)
        {
            case PyDict d: d.State = state; break; // OrderedDict._metadata
            case PyInstance p: p.State = state; break;
            default: break; // tensors and plain values carry no state we use
        }
    }

    private static object NewObject(object? cls, object?[] args)
    {
        if (cls is not PyGlobal g) throw new FormatException($"pickle NEWOBJ on a {Describe(cls)}");
        if (g.Name is "OrderedDict" or "dict" && g.Module is "collections" or "builtins" or "__builtin__") return new PyDict();
        return new PyInstance(g, args);
    }

    /// <summary>The only calls a weight file may make, interpreted without running anything.</summary>
    private static object? Reduce(object? callable, object?[] args, int depth)
    {
        if (callable is not PyGlobal g) throw new FormatException($"pickle REDUCE on a {Describe(callable)}");
        if (depth > MaxRebuildDepth) throw new FormatException($"tensor records nested more than {MaxRebuildDepth} deep");
        switch (g.FullName)
        {
            case "collections.OrderedDict":
            case "builtins.dict":
            case "__builtin__.dict":
                var d = new PyDict();
                if (args.Length > 0 && args[0] is List<object?> pairs)
                    foreach (var p in pairs)
                        if (p is object?[] { Length: 2 } kv) SetItem(d, kv[0], kv[1]);
                return d;
            case "torch._utils._rebuild_tensor":
            case "torch._utils._rebuild_tensor_v2":
                return RebuildTensor(args);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                return args.Length > 0 ? args[0] : throw new FormatException("parameter without data");
            case "torch._tensor._rebuild_from_type_v2":
                // (func, type, args, state): the tensor is func(*args); the subclass is dropped.
                if (args.Length >= 3 && args[2] is object?[] inner) return Reduce(args[0], inner, depth + 1);
                throw new FormatException("malformed _rebuild_from_type_v2");
            case "builtins.set":
            case "builtins.frozenset":
            case "__builtin__.set":
            case "__builtin__.frozenset":
                return args.Length > 0 && args[0] is List<object?> l ? new List<object?>(l) : new List<object?>();
            case "builtins.list":
                return args.Length > 0 && args[0] is List<object?> l2 ? new List<object?>(l2) : new List<object?>();
            case "_codecs.encode":
                // Protocol-2 bytes: encode(str, 'latin1').
                return args.Length > 0 && args[0] is string s ? Encoding.Latin1.GetBytes(s) : Array.Empty<byte>();
            case "builtins.bytearray":
            case "__builtin__.bytearray":
                return args.Length > 0 && args[0] is byte[] b ? b : args.Length > 0 && args[0] is string s2 ? Encoding.Latin1.GetBytes(s2) : Array.Empty<byte>();
            case "torch.Size":
                return args.Length > 0 && args[0] is object?[] t ? t : Array.Empty<object?>();
            case "torch.device":
                return args.Length > 0 ? string.Join(":", args.Where(a => a is not null)) : "cpu";
            case "numpy.core.multiarray.scalar":
            case "numpy._core.multiarray.scalar":
                return NumpyScalar(args);
            default:
                return new PyInstance(g, args);
        }
    }

    /// <summary>
    /// A tensor record, checked before anything reaches LibTorch: sizes and strides non-negative, the
    /// extent computed without overflow and inside the storage, and no element reached twice (a
    /// stride-0 or overlapping view would let a few bytes stand for gigabytes).
    /// </summary>
    private static TensorRef RebuildTensor(object?[] args)
    {
        if (args.Length < 4 || args[0] is not StorageRef storage || args[2] is not object?[] size || args[3] is not object?[] stride || size.Length != stride.Length)
            throw new FormatException("malformed tensor record");
        long offset = Integer(args[1], "tensor offset");
        if (size.Length > 64) throw new FormatException($"a tensor of {size.Length} dimensions");
        var sizes = size.Select(v => Integer(v, "tensor size")).ToArray();
        var strides = stride.Select(v => Integer(v, "tensor stride")).ToArray();
        string shape = $"[{string.Join(",", sizes)}]";
        long available = storage.ViewNumel >= 0 ? storage.ViewNumel : storage.Numel;
        long numel = 1, last = offset;
        bool empty = sizes.Contains(0);
        try
        {
            foreach (var n in sizes) numel = checked(numel * n);
            if (!empty)
                for (int i = 0; i < sizes.Length; i++) last = checked(last + (sizes[i] - 1) * strides[i]);
        }
        catch (OverflowException)
        {
            throw new FormatException($"tensor of size {shape} and stride [{string.Join(",", strides)}] overflows 64-bit arithmetic");
        }
        if (!empty && last >= available)
            throw new FormatException($"tensor of size {shape} reaches past its storage of {available} elements");
        if (!empty && Overlaps(sizes, strides))
            throw new FormatException($"tensor of size {shape} has strides [{string.Join(",", strides)}] that reach one element more than once " +
                "(a stride-0 or overlapping view; weight files hold plain tensors)");
        return new TensorRef(storage, offset, sizes, strides);
    }

    /// <summary>Whether a view reaches some element twice: with strides sorted, each must pass the extent of the smaller ones.</summary>
    internal static bool Overlaps(long[] sizes, long[] strides)
    {
        long extent = 0;
        foreach (int i in Enumerable.Range(0, sizes.Length).Where(i => sizes[i] > 1).OrderBy(i => strides[i]))
        {
            if (strides[i] <= extent) return true;
            extent += (sizes[i] - 1) * strides[i];
        }
        return false;
    }

    /// <summary>A non-negative integer field of a record: one too large for 64 bits is refused, not ignored.</summary>
    internal static long Integer(object? value, string what) => value switch
    {
        long v when v >= 0 => v,
        long v => throw new FormatException($"{what} {v} is negative"),
        BigInteger b => throw new FormatException($"{what} {b} does not fit in 64 bits"),
        _ => throw new FormatException($"{what} is a {Describe(value)}, not a number"),
    };

    private static object? NumpyScalar(object?[] args)
    {
        if (args.Length < 2 || args[0] is not PyInstance { Args: [string code, ..] }) return null;
        byte[] data = args[1] switch { byte[] b => b, string s => Encoding.Latin1.GetBytes(s), _ => Array.Empty<byte>() };
        return code switch
        {
            "f8" when data.Length == 8 => BitConverter.ToDouble(data),
            "f4" when data.Length == 4 => (double)BitConverter.ToSingle(data),
            "i8" when data.Length == 8 => BitConverter.ToInt64(data),
            "i4" when data.Length == 4 => (long)BitConverter.ToInt32(data),
            "b1" when data.Length == 1 => data[0] != 0,
            _ => null,
        };
    }

    /// <summary>The element type a PyTorch storage class stands for.</summary>
    internal static ScalarType StorageDtype(object? storageType)
    {
        var name = storageType switch
        {
            PyGlobal g => g.Name,
            string s => s,
            _ => throw new FormatException($"storage type is a {Describe(storageType)}"),
        };
        return name switch
        {
            "FloatStorage" => ScalarType.Float32,
            "DoubleStorage" => ScalarType.Float64,
            "HalfStorage" => ScalarType.Float16,
            "BFloat16Storage" => ScalarType.BFloat16,
            "LongStorage" => ScalarType.Int64,
            "IntStorage" => ScalarType.Int32,
            "ShortStorage" => ScalarType.Int16,
            "CharStorage" => ScalarType.Int8,
            "ByteStorage" or "UntypedStorage" => ScalarType.Byte,
            "BoolStorage" => ScalarType.Bool,
            "ComplexFloatStorage" => ScalarType.ComplexFloat32,
            "ComplexDoubleStorage" => ScalarType.ComplexFloat64,
            _ => throw new FormatException($"unsupported storage type {name}"),
        };
    }
}
