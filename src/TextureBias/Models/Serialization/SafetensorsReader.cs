using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

/// <summary>
/// Reads a <c>.safetensors</c> file (an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw data), checking every range
/// against the file so that a damaged file gives a clear error rather than garbage.
/// </summary>
internal static class SafetensorsReader
{
    public static Dictionary<string, Tensor> Read(Stream stream)
    {
        var lengthBytes = new byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) != 8) throw new FormatException("too short for a safetensors file");
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        long fileLength = stream.Length;
        if (headerLength > (ulong)(fileLength - 8) || headerLength > 100_000_000) throw new FormatException("safetensors header longer than the file (truncated file?)");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength;

        using var doc = JsonDocument.Parse(header);
        var entries = new List<(string name, ScalarType dtype, long[] shape, long begin, long end)>();
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (prop.Name == "__metadata__") continue;
            var e = prop.Value;
            var dtype = e.GetProperty("dtype").GetString() switch
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
                var other => throw new FormatException($"tensor {prop.Name} has unsupported dtype {other}"),
            };
            var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || dataStart + offsets[1] > fileLength)
                throw new FormatException($"tensor {prop.Name} lies outside the file (truncated file?)");
            long numel = shape.Aggregate(1L, (a, b) => a * b);
            long elementSize = new StorageRef("", dtype, 0).ElementSize;
            if (numel * elementSize != offsets[1] - offsets[0])
                throw new FormatException($"tensor {prop.Name} of shape [{string.Join(",", shape)}] has {offsets[1] - offsets[0]} bytes");
            entries.Add((prop.Name, dtype, shape, offsets[0], offsets[1]));
        }

        var result = new Dictionary<string, Tensor>();
        foreach (var (name, dtype, shape, begin, end) in entries)
        {
            var t = torch.empty(shape, dtype);
            stream.Position = dataStart + begin;
            stream.ReadExactly(t.bytes);
            result[name] = t;
        }
        return result;
    }
}
