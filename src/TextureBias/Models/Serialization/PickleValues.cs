using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

// The values a restricted unpickle produces. Python objects map to plain .NET values:
// None → null, bool, int → long (or BigInteger), float → double, str → string, bytes → byte[],
// list/set → List<object?>, tuple → object?[], dict → Dictionary<object, object?> (insertion
// order kept). Anything else stays inert: a PyGlobal names a class or function and nothing is
// ever imported or called; a PyInstance records what would have been built.

/// <summary>A reference to a Python global (<c>module.name</c>) that was never resolved.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
    public override string ToString() => FullName;
}

/// <summary>An object of a class we do not reconstruct: its type, arguments and state, inert.</summary>
internal sealed class PyInstance
{
    public PyInstance(PyGlobal type, object?[] args) { Type = type; Args = args; }
    public PyGlobal Type { get; }
    public object?[] Args { get; }
    public object? State { get; set; }
    public override string ToString() => $"<{Type.FullName} object>";
}

/// <summary>A typed storage in the file: its key, element type and element count.</summary>
internal sealed record StorageRef(string Key, ScalarType Dtype, long Numel, long ViewOffset = 0, long ViewNumel = -1)
{
    public long ElementSize => Dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.ComplexFloat64 => 16,
        _ => 1,
    };
}

/// <summary>A tensor to be built from a storage once the storages have been read.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);

/// <summary>A dict that also carries instance state (OrderedDict's <c>_metadata</c>).</summary>
internal sealed class PyDict : Dictionary<object, object?>
{
    public object? State { get; set; }
}
