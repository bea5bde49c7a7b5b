using System.Text.Json;
using System.Text.Json.Serialization;
using TextureBias.Data;
using TextureBias.Distortions;
using TextureBias.Imaging;
using TextureBias.Observers;

namespace TextureBias.Evaluation;

/// <summary>
/// A robustness run's results folder, written as the run goes so that a killed run, started again with the same folder,
/// goes on where it stopped: <c>run.json</c> (what was run: models, data, preprocessing, noise), and per distortion and
/// level <c>&lt;distortion&gt;/&lt;condition&gt;.csv</c> (every model's trials, raw-data format) and
/// <c>&lt;distortion&gt;/&lt;condition&gt;.json</c> (the accuracies; written last, so it marks a finished level). All
/// writes are atomic. A folder holding another run's results is refused, never overwritten.
/// </summary>
public sealed class RobustnessStore
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    RobustnessStore(string folder) => Folder = folder;

    /// <summary>The results folder.</summary>
    public string Folder { get; }

    /// <summary>
    /// Opens (creating) the results folder of the run described by the arguments; a folder whose <c>run.json</c> describes
    /// another run is a <see cref="TextureBiasException"/> saying what differs.
    /// </summary>
    public static RobustnessStore Open(string folder, IReadOnlyList<RobustnessModel> models, string data, Preprocessing geometry, RobustnessOptions options) =>
        Open(folder, models, data, ImageFolder.Open(new[] { data }).Samples.Count, geometry, options);

    /// <summary><see cref="Open(string, IReadOnlyList{RobustnessModel}, string, Preprocessing, RobustnessOptions)"/> for a data folder already known to hold <paramref name="images"/> images.</summary>
    public static RobustnessStore Open(string folder, IReadOnlyList<RobustnessModel> models, string data, int images, Preprocessing geometry, RobustnessOptions options)
    {
        var run = new RobustnessRun(models.Select(m => m.Name).ToList(), Path.GetFullPath(data), images, $"resize {geometry.Resize}, crop {geometry.Crop}",
            options.NumpySeed is { } s ? $"numpy RandomState({s})" : $"seed {options.Seed}", options.Quantisation.ToString().ToLowerInvariant());
        if (File.Exists(folder)) throw new TextureBiasException($"{folder}: is a file, not a results folder");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "run.json");
        if (File.Exists(file))
        {
            RobustnessRun? old;
            try { old = JsonSerializer.Deserialize<RobustnessRun>(File.ReadAllText(file), Json); }
            catch (JsonException e) { throw new TextureBiasException($"{file}: not a robustness run description ({e.Message})"); }
            if (old is null) throw new TextureBiasException($"{file}: not a robustness run description");
            var differs = new List<string>();
            if (!old.Models.SequenceEqual(run.Models)) differs.Add($"models {string.Join(",", old.Models)} vs {string.Join(",", run.Models)}");
            if (old.Data != run.Data) differs.Add($"data {old.Data} vs {run.Data}");
            else if (old.Images != run.Images) differs.Add($"{old.Images} images then, {run.Images} now");
            if (old.Preprocessing != run.Preprocessing) differs.Add($"{old.Preprocessing} vs {run.Preprocessing}");
            if (old.Noise != run.Noise) differs.Add($"noise {old.Noise} vs {run.Noise}");
            if (old.Quantisation != run.Quantisation) differs.Add($"{old.Quantisation} vs {run.Quantisation}");
            if (differs.Count > 0)
                throw new TextureBiasException($"{folder}: holds the results of another run ({string.Join("; ", differs)}); give another folder, or delete this one to start again");
        }
        else AtomicFile.WriteText(file, JsonSerializer.Serialize(run, Json));
        return new RobustnessStore(folder);
    }

    /// <summary>The finished cell of <paramref name="distortion"/> at <paramref name="level"/>, or null when it is not there yet.</summary>
    public RobustnessCell? TryLoad(string distortion, DistortionLevel level)
    {
        var (csv, json) = Files(distortion, level);
        if (!File.Exists(json)) return null;
        List<RobustnessPoint>? points;
        try { points = JsonSerializer.Deserialize<List<RobustnessPoint>>(File.ReadAllText(json), Json); }
        catch (JsonException e) { throw new TextureBiasException($"{json}: not a robustness result ({e.Message}); delete it to compute that level again"); }
        if (points is null || !File.Exists(csv)) throw new TextureBiasException($"{json}: incomplete result; delete it to compute that level again");
        return new RobustnessCell(distortion, level, points, RawData.Read(csv));
    }

    /// <summary>Saves a finished cell (trials first, then the accuracies that mark it finished).</summary>
    public void Save(RobustnessCell cell)
    {
        var (csv, json) = Files(cell.Distortion, cell.Level);
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
        RawData.Write(csv, cell.Trials);
        AtomicFile.WriteText(json, JsonSerializer.Serialize(cell.Points, Json));
    }

    (string Csv, string Json) Files(string distortion, DistortionLevel level)
    {
        string stem = Path.Combine(Folder, Checked(distortion), Checked(level.Condition));
        return (stem + ".csv", stem + ".json");
    }

    static string Checked(string name) =>
        FileNameText.IsPlain(name)
            ? name
            : throw new TextureBiasException($"'{name}' cannot name a file in a results folder");
}
