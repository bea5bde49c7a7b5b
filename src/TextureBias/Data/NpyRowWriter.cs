using System.Runtime.InteropServices;
using System.Text;

namespace TextureBias.Data;

/// <summary>
/// Streams float32 rows into a <c>.npy</c> file of shape [rows, columns] without holding them in
/// memory: rows go to a temporary file behind a fixed-size header, which is filled in with the
/// final row count by <see cref="Complete"/>, and the file is then renamed into place. Without
/// <see cref="Complete"/> (a crash, Ctrl-C) no partial file is left at the target path.
/// </summary>
public sealed class NpyRowWriter : IDisposable
{
    private const int HeaderBytes = 128;
    private readonly string _path;
    private readonly string _tmp;
    private readonly FileStream _stream;
    private bool _done;

    /// <summary>Starts a file of rows with <paramref name="columns"/> floats each.</summary>
    public NpyRowWriter(string path, int columns)
    {
        _path = Path.GetFullPath(path);
        Columns = columns;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _tmp = Path.Combine(Path.GetDirectoryName(_path)!, $".{Path.GetFileName(_path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        _stream = new FileStream(_tmp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        _stream.Write(new byte[HeaderBytes]);
    }

    /// <summary>Floats per row.</summary>
    public int Columns { get; }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Appends one row.</summary>
    public void Append(ReadOnlySpan<float> row)
    {
        if (row.Length != Columns) throw new ArgumentException($"row has {row.Length} values, not {Columns}");
        _stream.Write(MemoryMarshal.AsBytes(row));
        Rows++;
    }

    /// <summary>Writes the header and moves the file to its path.</summary>
    public void Complete()
    {
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({Rows}, {Columns}), }}";
        header = header.PadRight(HeaderBytes - 10 - 1) + "\n";
        _stream.Position = 0;
        _stream.Write(Npy.Magic);
        _stream.WriteByte(1);
        _stream.WriteByte(0);
        _stream.Write(BitConverter.GetBytes((ushort)(HeaderBytes - 10)));
        _stream.Write(Encoding.ASCII.GetBytes(header));
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_tmp, _path, overwrite: true);
        _done = true;
    }

    /// <summary>Closes the file; without <see cref="Complete"/> the temporary file is deleted.</summary>
    public void Dispose()
    {
        if (_done) return;
        _stream.Dispose();
        try { File.Delete(_tmp); } catch (IOException) { }
    }
}
