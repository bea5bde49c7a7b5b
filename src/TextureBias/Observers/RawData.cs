using System.Globalization;
using System.Text;
using TextureBias.Data;

namespace TextureBias.Observers;

/// <summary>
/// Raw-data CSV files of texture-vs-shape and model-vs-human (<c>subj,session,trial,rt,object_response,category,condition,imagename</c>):
/// reading (column names in any case and order, quoted fields, commas inside quotes) and writing our own trials in that format.
/// </summary>
public static class RawData
{
    /// <summary>The header <see cref="Write"/> writes.</summary>
    public const string Header = "subj,session,trial,rt,object_response,category,condition,imagename";

    private static readonly string[] AllRequired = ["subj", "object_response", "category", "condition", "imagename"];

    /// <summary>Reads the trials of a raw-data CSV; a bad file or row is a <see cref="TextureBiasException"/> naming the file and line.</summary>
    public static List<RawTrial> Read(string path) => Read(path, AllRequired);

    /// <summary>Reads the trials of a raw-data CSV that must have the columns <paramref name="required"/>; missing optional columns read as empty.</summary>
    internal static List<RawTrial> Read(string path, IReadOnlyList<string> required)
    {
        if (!File.Exists(path)) throw new TextureBiasException($"{path}: no such file");
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path, required);
    }

    /// <summary>Parses raw-data CSV text; <paramref name="name"/> names the source in errors.</summary>
    public static List<RawTrial> Parse(TextReader reader, string name) => Parse(reader, name, AllRequired);

    private static List<RawTrial> Parse(TextReader reader, string name, IReadOnlyList<string> required)
    {
        string? line;
        int number = 0;
        List<string>? header = null;
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            if (line.Trim().Length == 0) continue;
            header = Split(line, name, number).Select(h => h.Trim().ToLowerInvariant()).ToList();
            break;
        }
        if (header is null) throw new TextureBiasException($"{name}: empty file (no header)");
        var missing = required.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
            throw new TextureBiasException($"{name}: not a raw-data file (no column {string.Join(", ", missing)}; needs {string.Join(", ", required)})");
        int subj = header.IndexOf("subj"), session = header.IndexOf("session"), response = header.IndexOf("object_response"),
            category = header.IndexOf("category"), condition = header.IndexOf("condition"), image = header.IndexOf("imagename");
        var trials = new List<RawTrial>();
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            if (line.Trim().Length == 0) continue;
            var f = Split(line, name, number);
            if (f.Count != header.Count) throw new TextureBiasException($"{name}: line {number} has {f.Count} fields, not {header.Count}");
            string Get(int i) => i < 0 ? "" : f[i].Trim();
            if (Get(image).Length == 0) throw new TextureBiasException($"{name}: line {number} has no imagename");
            if (Get(category).Length == 0) throw new TextureBiasException($"{name}: line {number} has no category");
            trials.Add(new RawTrial(Get(subj), Get(session), Get(condition), Get(image), Get(category), Get(response)));
        }
        return trials;
    }

    /// <summary>Splits one CSV line: fields in double quotes may hold commas and doubled quotes.</summary>
    internal static List<string> Split(string line, string name, int number)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            while (i < line.Length && line[i] == ' ') i++;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length) throw new TextureBiasException($"{name}: line {number} has an unterminated quoted field");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                while (i < line.Length && line[i] == ' ') i++;
                if (i < line.Length && line[i] != ',') throw new TextureBiasException($"{name}: line {number} has text after a closing quote");
            }
            else
                while (i < line.Length && line[i] != ',') field.Append(line[i++]);
            fields.Add(field.ToString());
            if (i >= line.Length) return fields;
            i++; // the comma
        }
    }

    /// <summary>
    /// model-vs-human's short image id (<c>get_short_imagename</c>): without an experiment prefix such as "0001_cl_s01_cr_oven_40_",
    /// i.e. the last two "_"-separated parts when the first of them starts with "n0" (an ImageNet name), else the last part.
    /// </summary>
    public static string ShortImageName(string imagename)
    {
        var parts = imagename.Split('_');
        if (parts.Length == 1) return parts[0];
        return parts[^2].StartsWith("n0", StringComparison.Ordinal) ? parts[^2] + "_" + parts[^1] : parts[^1];
    }

    /// <summary>Writes trials as a raw-data CSV (fields quoted where needed; <c>rt</c> NaN, trials numbered from 1), atomically.</summary>
    public static void Write(string path, IReadOnlyList<RawTrial> trials) => AtomicFile.WriteText(path, Format(trials));

    /// <summary>The text <see cref="Write"/> writes.</summary>
    public static string Format(IReadOnlyList<RawTrial> trials)
    {
        var sb = new StringBuilder(Header).Append('\n');
        for (int i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            sb.Append(CsvText.Field(t.Subject)).Append(',').Append(CsvText.Field(t.Session.Length == 0 ? "1" : t.Session)).Append(',')
              .Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append(",NaN,")
              .Append(CsvText.Field(t.Response)).Append(',').Append(CsvText.Field(t.Category)).Append(',')
              .Append(CsvText.Field(t.Condition)).Append(',').Append(CsvText.Field(t.Image)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// The observers of raw-data files: one per subject (<c>subj</c>) of each file, named by the subject (or by the file when
    /// the column is empty); a subject name found in two files is prefixed with its file name ("a.csv:subject-01").
    /// </summary>
    public static List<(string Name, IReadOnlyList<RawTrial> Trials)> Observers(IReadOnlyList<string> files)
    {
        var groups = new List<(string File, string Subject, List<RawTrial> Trials)>();
        foreach (var file in files)
        {
            string fileName = Path.GetFileName(file);
            foreach (var g in Read(file).GroupBy(t => t.Subject.Length == 0 ? Path.GetFileNameWithoutExtension(file) : t.Subject))
                groups.Add((fileName, g.Key, g.ToList()));
        }
        var clash = groups.GroupBy(g => g.Subject).Where(g => g.Select(x => x.File).Distinct().Count() > 1).Select(g => g.Key).ToHashSet();
        var result = new List<(string, IReadOnlyList<RawTrial>)>();
        foreach (var g in groups.GroupBy(g => clash.Contains(g.Subject) ? g.File + ":" + g.Subject : g.Subject))
            result.Add((g.Key, g.SelectMany(x => x.Trials).ToList()));
        return result;
    }

    /// <summary>Accuracy per condition of every observer (<c>subj</c>) in <paramref name="trials"/>, then of all of them pooled (observer "pooled"); conditions in <see cref="ConditionOrder"/>.</summary>
    public static List<ConditionAccuracy> Accuracy(IReadOnlyList<RawTrial> trials, bool pooled = true)
    {
        var result = new List<ConditionAccuracy>();
        var conditions = trials.Select(t => t.Condition).Distinct().Order(ConditionOrder.Instance).ToList();
        foreach (var subject in trials.Select(t => t.Subject).Distinct())
            foreach (var c in conditions)
            {
                var ts = trials.Where(t => t.Subject == subject && t.Condition == c).ToList();
                if (ts.Count > 0) result.Add(new ConditionAccuracy(subject, c, ts.Count, ts.Count(t => t.Correct)));
            }
        if (pooled)
            foreach (var c in conditions)
            {
                var ts = trials.Where(t => t.Condition == c).ToList();
                result.Add(new ConditionAccuracy("pooled", c, ts.Count, ts.Count(t => t.Correct)));
            }
        return result;
    }
}
