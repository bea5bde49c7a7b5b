using System.Text;

namespace TextureBias.Detection;

/// <summary>
/// Appends detections to our CSV (<see cref="DetectionFiles.CsvHeader"/>) one image at a time, each image's lines in one
/// flushed write, so that an interrupted evaluation resumes: <see cref="Open"/> keeps what an earlier run wrote
/// (less a partial last line) and reports the images already done.
/// </summary>
public sealed class DetectionCsvWriter : IDisposable
{
    readonly FileStream _stream;

    DetectionCsvWriter(FileStream stream, IReadOnlySet<string> done)
    {
        _stream = stream;
        Done = done;
    }

    /// <summary>The images with detections already in the file when it was opened.</summary>
    public IReadOnlySet<string> Done { get; }

    /// <summary>The file's path.</summary>
    public string Path => _stream.Name;

    /// <summary>Opens <paramref name="path"/> for appending, creating it with its header if absent.</summary>
    /// <exception cref="TextureBiasException">The existing file is not our CSV.</exception>
    public static DetectionCsvWriter Open(string path)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        long keep = 0;
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            var rows = DetectionFiles.ReadCsv(path, out keep, tolerateTail: true);
            foreach (var r in rows) done.Add(r.ImageId);
        }
        else
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1 << 16);
        try
        {
            stream.SetLength(keep);
            stream.Seek(keep, SeekOrigin.Begin);
            if (keep == 0)
            {
                var header = Encoding.UTF8.GetBytes(DetectionFiles.CsvHeader + "\n");
                stream.Write(header);
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new DetectionCsvWriter(stream, done);
    }

    /// <summary>Appends one image's detections and flushes them to disk.</summary>
    /// <exception cref="TextureBiasException">An image id or class name holds a comma or a line break.</exception>
    public void Write(IReadOnlyList<DetectionRow> rows)
    {
        if (rows.Count == 0) return;
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            if (r.ImageId.IndexOfAny([',', '\n', '\r']) >= 0 || r.ClassName.IndexOfAny([',', '\n', '\r']) >= 0)
                throw new TextureBiasException($"{Path}: image id '{r.ImageId}' or class '{r.ClassName}' holds a comma or line break, which the CSV cannot hold");
            sb.Append(r.ImageId).Append(',').Append(r.ClassName).Append(',').Append(DetectionFiles.Format(r.Score)).Append(',')
              .Append(DetectionFiles.Format(r.X1)).Append(',').Append(DetectionFiles.Format(r.Y1)).Append(',')
              .Append(DetectionFiles.Format(r.X2)).Append(',').Append(DetectionFiles.Format(r.Y2)).Append('\n');
        }
        _stream.Write(Encoding.UTF8.GetBytes(sb.ToString()));
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();
}
