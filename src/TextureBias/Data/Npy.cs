using System.Text;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Data;

/// <summary>
/// NumPy's <c>.npy</c> format (version 1.0) for float32, float64, int64 and uint8 arrays in C
/// order, read by <c>numpy.load</c>. Writing is atomic.
/// </summary>
public static partial class Npy
{
    /// <summary>The six bytes every .npy file starts with: 0x93 then "NUMPY".</summary>
    internal static ReadOnlySpan<byte> Magic => new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    /// <summary>Writes <paramref name="tensor"/> (any shape) to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var t = tensor.detach().cpu().contiguous();
        string descr = t.dtype switch
        {
            ScalarType.Float32 => "<f4",
            ScalarType.Float64 => "<f8",
            ScalarType.Int64 => "<i8",
            ScalarType.Int32 => "<i4",
            ScalarType.Byte => "|u1",
            _ => throw new ArgumentException($"cannot write {t.dtype} to .npy"),
        };
        string shape = t.dim() switch
        {
            0 => "()",
            1 => $"({t.shape[0]},)",
            _ => "(" + string.Join(", ", t.shape) + ")",
        };
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        AtomicFile.Write(path, s =>
        {
            s.Write(Magic);
            s.WriteByte(1);
            s.WriteByte(0);
            var h = Encoding.ASCII.GetBytes(header);
            s.Write(BitConverter.GetBytes((ushort)h.Length));
            s.Write(h);
            s.Write(t.bytes);
        });
    }

    /// <summary>Reads a C-order <c>.npy</c> array of float32, float64, int64, int32 or uint8.</summary>
    /// <exception cref="TextureBiasException">The file is not such an array.</exception>
    public static Tensor Load(string path)
    {
        using var s = File.OpenRead(path);
        var magic = new byte[8];
        if (s.ReadAtLeast(magic, 8, false) != 8 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
            throw new TextureBiasException($"{path}: not a .npy file");
        int headerLength;
        if (magic[6] == 1) { var b = new byte[2]; s.ReadExactly(b); headerLength = BitConverter.ToUInt16(b); }
        else { var b = new byte[4]; s.ReadExactly(b); headerLength = (int)BitConverter.ToUInt32(b); }
        var header = new byte[headerLength];
        s.ReadExactly(header);
        var text = Encoding.Latin1.GetString(header);
        var descr = DescrPattern().Match(text).Groups[1].Value;
        if (text.Contains("'fortran_order': True")) throw new TextureBiasException($"{path}: Fortran-order arrays are not supported");
        var shapeText = ShapePattern().Match(text).Groups[1].Value;
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        var dtype = descr switch
        {
            "<f4" => ScalarType.Float32,
            "<f8" => ScalarType.Float64,
            "<i8" => ScalarType.Int64,
            "<i4" => ScalarType.Int32,
            "|u1" or "<u1" => ScalarType.Byte,
            _ => throw new TextureBiasException($"{path}: unsupported .npy dtype '{descr}'"),
        };
        var t = torch.empty(shape, dtype);
        if (s.ReadAtLeast(t.bytes, t.bytes.Length, false) != t.bytes.Length)
        {
            t.Dispose();
            throw new TextureBiasException($"{path}: truncated .npy file");
        }
        return t;
    }

    [GeneratedRegex(@"'descr':\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
