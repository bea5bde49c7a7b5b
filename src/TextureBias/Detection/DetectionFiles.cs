using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextureBias.Detection;

/// <summary>
/// Reads the detections files <c>detect-eval --detections</c> scores: our CSV (<see cref="CsvHeader"/>), py-faster-rcnn's
/// per-class files (a path with <c>{}</c> where the class name goes: lines <c>image_id score x1 y1 x2 y2</c>), and COCO's
/// results JSON (<c>[{"image_id", "category_id", "bbox": [x, y, w, h], "score"}]</c>). A malformed file is refused with one
/// line naming the file, the line (or entry) and the cause.
/// </summary>
public static class DetectionFiles
{
    /// <summary>The first line of our detections CSV.</summary>
    public const string CsvHeader = "image_id,class,score,x1,y1,x2,y2";

    /// <summary>The most detections a file may hold.</summary>
    public const int MaxDetections = 100_000_000;

    /// <summary>Whether <paramref name="path"/> names py-faster-rcnn's per-class files (it holds <c>{}</c>).</summary>
    public static bool IsPerClassPattern(string path) => path.Contains("{}", StringComparison.Ordinal);

    /// <summary>Reads our CSV at <paramref name="path"/>.</summary>
    /// <exception cref="TextureBiasException">The file is missing, has another header, or a malformed line.</exception>
    public static IReadOnlyList<DetectionRow> ReadCsv(string path) => ReadCsv(path, out _);

    /// <summary>
    /// Reads our CSV; <paramref name="completeBytes"/> is the length of the part that ends with a whole line (an interrupted
    /// writer may leave a partial last line, which is left out).
    /// </summary>
    internal static IReadOnlyList<DetectionRow> ReadCsv(string path, out long completeBytes, bool tolerateTail = false)
    {
        if (!File.Exists(path))
            throw new TextureBiasException($"{path}: no such detections file");
        var rows = new List<DetectionRow>();
        completeBytes = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
            string text = "";
            int lineNumber = 0;
            long offset = 0;
            // Lines by hand so that the offset of the last complete line is known.
            var buffer = new System.Text.StringBuilder();
            int c;
            while (true)
            {
                c = reader.Read();
                if (c == -1)
                {
                    if (buffer.Length > 0 && !tolerateTail)
                        Parse(buffer.ToString(), ++lineNumber);
                    break;
                }
                if (c != '\n')
                {
                    buffer.Append((char)c);
                    if (buffer.Length > 10_000)
                        throw new TextureBiasException($"{path}: line {lineNumber + 1} is longer than 10000 characters");
                    continue;
                }
                text = buffer.ToString();
                offset += System.Text.Encoding.UTF8.GetByteCount(text) + 1;
                buffer.Clear();
                Parse(text, ++lineNumber);
                completeBytes = offset;
            }

            void Parse(string line, int number)
            {
                line = line.TrimEnd('\r');
                if (number == 1)
                {
                    if (line.TrimStart('\uFEFF').Trim() != CsvHeader)
                        throw new TextureBiasException($"{path}: the first line is '{Clip(line)}', not the header {CsvHeader}");
                    return;
                }
                if (line.Trim().Length == 0) return;
                var f = line.Split(',');
                if (f.Length != 7)
                    throw new TextureBiasException($"{path}: line {number} has {f.Length} fields, not 7 ({CsvHeader})");
                string id = f[0].Trim(), name = f[1].Trim();
                if (id.Length == 0 || name.Length == 0)
                    throw new TextureBiasException($"{path}: line {number} has an empty image_id or class");
                if (rows.Count >= MaxDetections)
                    throw new TextureBiasException($"{path}: more than {MaxDetections} detections");
                rows.Add(new DetectionRow(id, name, Number(f[2], path, number, "score"), Number(f[3], path, number, "x1"),
                    Number(f[4], path, number, "y1"), Number(f[5], path, number, "x2"), Number(f[6], path, number, "y2")));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TextureBiasException($"{path}: cannot read the detections ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        return rows;
    }

    /// <summary>
    /// Reads py-faster-rcnn's per-class files: <paramref name="pattern"/> with <c>{}</c> replaced by each of <paramref name="classNames"/>
    /// (background and <c>N/A</c> skipped); every file must exist.
    /// </summary>
    /// <exception cref="TextureBiasException">A file is missing or has a malformed line.</exception>
    public static IReadOnlyList<DetectionRow> ReadPerClass(string pattern, IReadOnlyList<string> classNames)
    {
        var rows = new List<DetectionRow>();
        foreach (string name in classNames.Skip(1).Where(n => n != CocoCategories.Gap).Distinct())
        {
            string path = pattern.Replace("{}", name, StringComparison.Ordinal);
            if (!File.Exists(path))
                throw new TextureBiasException($"{path}: no such detections file (class '{name}' of --detections {pattern})");
            int number = 0;
            try
            {
                foreach (string raw in File.ReadLines(path))
                {
                    number++;
                    if (raw.Length > 10_000)
                        throw new TextureBiasException($"{path}: line {number} is longer than 10000 characters");
                    var f = raw.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length == 0) continue;
                    if (f.Length != 6)
                        throw new TextureBiasException($"{path}: line {number} has {f.Length} fields, not 6 (image_id score x1 y1 x2 y2)");
                    if (rows.Count >= MaxDetections)
                        throw new TextureBiasException($"{path}: more than {MaxDetections} detections");
                    rows.Add(new DetectionRow(f[0], name, Number(f[1], path, number, "score"), Number(f[2], path, number, "x1"),
                        Number(f[3], path, number, "y1"), Number(f[4], path, number, "x2"), Number(f[5], path, number, "y2")));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new TextureBiasException($"{path}: cannot read the detections ({e.Message.ReplaceLineEndings(" ")})", e);
            }
        }
        return rows;
    }

    /// <summary>Reads a COCO results JSON file.</summary>
    /// <exception cref="TextureBiasException">The file is missing, not JSON, or an entry lacks a field.</exception>
    public static IReadOnlyList<CocoResult> ReadCocoJson(string path)
    {
        if (!File.Exists(path))
            throw new TextureBiasException($"{path}: no such detections file");
        List<ResultDto?>? list;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            list = JsonSerializer.Deserialize<List<ResultDto?>>(stream);
        }
        catch (JsonException e)
        {
            throw new TextureBiasException($"{path}: not a COCO results file, a JSON list of {{image_id, category_id, bbox, score}} ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException)
        {
            throw new TextureBiasException($"{path}: cannot read the detections ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (list is null)
            throw new TextureBiasException($"{path}: not a COCO results file (null)");
        if (list.Count > MaxDetections)
            throw new TextureBiasException($"{path}: more than {MaxDetections} detections");
        var results = new List<CocoResult>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            var r = list[i];
            string where = $"{path}: entry {i}";
            if (r?.ImageId is not { } image) throw new TextureBiasException($"{where} has no \"image_id\"");
            if (r.CategoryId is not { } category) throw new TextureBiasException($"{where} has no \"category_id\"");
            if (r.Score is not { } score || !double.IsFinite(score)) throw new TextureBiasException($"{where} has no finite \"score\"");
            if (r.Bbox is not { Length: 4 } b || b.Any(v => !double.IsFinite(v))) throw new TextureBiasException($"{where} has no \"bbox\" of 4 finite numbers");
            results.Add(new CocoResult(image, category, score, b[0], b[1], b[2], b[3]));
        }
        return results;
    }

    static double Number(string text, string path, int line, string field)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new TextureBiasException($"{path}: line {line}: {field} is '{Clip(text.Trim())}', not a finite number");
        return v;
    }

    static string Clip(string text) => (text.Length > 40 ? text[..40] + "…" : text).ReplaceLineEndings(" ");

    /// <summary>Formats a number as the CSV holds it (shortest round-trip form).</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    sealed class ResultDto
    {
        [JsonPropertyName("image_id")] public long? ImageId { get; set; }
        [JsonPropertyName("category_id")] public int? CategoryId { get; set; }
        [JsonPropertyName("bbox")] public double[]? Bbox { get; set; }
        [JsonPropertyName("score")] public double? Score { get; set; }
    }
}
