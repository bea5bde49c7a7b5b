using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

/// <summary>
/// Reads a <c>.safetensors</c> file (an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw data), checking every field
/// and range (without overflow) against the file, and that no two tensors share bytes, so a
/// damaged or crafted file gives a clear error and memory stays bounded by the file's size.
/// </summary>
internal static class SafetensorsReader
{
    /// <summary>The largest header read (the reference implementation's limit).</summary>
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>The tensors by name, and how many elements they hold in all.</summary>
    public static (Dictionary<string, Tensor> Tensors, long Elements) Read(Stream stream)
    {
        var lengthBytes = new byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) != 8) throw new FormatException("too short for a safetensors file");
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        long fileLength = stream.Length;
        if (headerLength > (ulong)(fileLength - 8) || headerLength > MaxHeaderBytes) throw new FormatException("safetensors header longer than the file (truncated file?)");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength, dataLength = fileLength - dataStart;

        using var doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException("the safetensors header is not a JSON object");
        var entries = new List<(string Name, ScalarType Dtype, long[] Shape, long Begin, long End)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (prop.Name == "__metadata__") continue;
            string name = TorchFile.Printable(prop.Name);
            if (!names.Add(prop.Name)) throw new FormatException($"tensor {name} is named twice in the header");
            if (names.Count > TorchFile.MaxTensors) throw new FormatException($"it holds more than {TorchFile.MaxTensors:N0} tensors (a crafted file?)");
            var e = prop.Value;
            if (e.ValueKind != JsonValueKind.Object) throw new FormatException($"tensor {name}: its header entry is not an object");
            var dtypeName = Field(e, "dtype", JsonValueKind.String, name).GetString();
            var dtype = dtypeName switch
            {
                "F32" => ScalarType.Float32,
                "F64" => ScalarType.Float64,
                "F16" => ScalarType.Float16,
                "BF16" => ScalarType.BFloat16,
                "I64" => ScalarType.Int64,
                "I32" => ScalarType.Int32,
                "I16" => ScalarType.Int16,
                "I8" => ScalarType.Int8,
                "U8" => ScalarType.Byte,
                "BOOL" => ScalarType.Bool,
                var other => throw new FormatException($"tensor {name} has unsupported dtype {TorchFile.Printable(other ?? "null")}"),
            };
            var shapeArray = Field(e, "shape", JsonValueKind.Array, name);
            if (shapeArray.GetArrayLength() > 64) throw new FormatException($"tensor {name} has {shapeArray.GetArrayLength()} dimensions");
            var shape = shapeArray.EnumerateArray().Select(x => NonNegative(x, name, "shape")).ToArray();
            var offsets = Field(e, "data_offsets", JsonValueKind.Array, name).EnumerateArray().Select(x => NonNegative(x, name, "data_offsets")).ToArray();
            if (offsets.Length != 2 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                throw new FormatException($"tensor {name} lies outside the file (truncated file?)");
            long elementSize = new StorageRef("", dtype, 0).ElementSize;
            long numel;
            try
            {
                numel = shape.Aggregate(1L, (a, b) => checked(a * b));
                _ = checked(numel * elementSize);
            }
            catch (OverflowException)
            {
                throw new FormatException($"tensor {name} of shape [{string.Join(",", shape)}] overflows 64-bit sizes");
            }
            if (numel * elementSize != offsets[1] - offsets[0])
                throw new FormatException($"tensor {name} of shape [{string.Join(",", shape)}] has {offsets[1] - offsets[0]} bytes");
            entries.Add((prop.Name, dtype, shape, offsets[0], offsets[1]));
        }

        // Each byte belongs to one tensor at most: overlapping ranges would let a small file fill the memory.
        var sorted = entries.Where(x => x.End > x.Begin).OrderBy(x => x.Begin).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Begin < sorted[i - 1].End)
                throw new FormatException($"tensors {TorchFile.Printable(sorted[i - 1].Name)} and {TorchFile.Printable(sorted[i].Name)} share bytes of the file");

        var result = new Dictionary<string, Tensor>();
        long elements = 0;
        try
        {
            foreach (var (name, dtype, shape, begin, end) in entries)
            {
                var t = torch.empty(shape, dtype);
                result[name] = t;
                stream.Position = dataStart + begin;
                stream.ReadExactly(t.bytes);
                elements += t.NumberOfElements;
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return (result, elements);
    }

    private static JsonElement Field(JsonElement entry, string field, JsonValueKind kind, string tensor) =>
        entry.TryGetProperty(field, out var value) && value.ValueKind == kind ? value
            : throw new FormatException($"tensor {tensor}: its header entry has no {field} {(kind == JsonValueKind.Array ? "list" : "string")}");

    private static long NonNegative(JsonElement x, string tensor, string field) =>
        x.ValueKind == JsonValueKind.Number && x.TryGetInt64(out long v) && v >= 0 ? v
            : throw new FormatException($"tensor {tensor}: its {field} holds {TorchFile.Printable(x.GetRawText())}, not a non-negative whole number");
}
