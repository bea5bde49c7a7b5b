using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TextureBias.Data;

namespace TextureBias.Comparison;

/// <summary>
/// The results folder of a resumable interactions run of one model: <c>run.json</c> (<see cref="InteractionRun"/>) and one
/// <c>images/NNNNNN.json</c> per measured image (its pairs' changes and its per-bin moments), written atomically as each image is
/// done, so that the same command run again after a stop measures only what is missing. A folder holding another run is
/// refused, never overwritten.
/// </summary>
public sealed class InteractionStore
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    InteractionStore(string folder) => Folder = folder;

    /// <summary>The results folder.</summary>
    public string Folder { get; }

    /// <summary>Images read back instead of measured so far.</summary>
    public int Reused { get; private set; }

    /// <summary>The settings of <paramref name="options"/> that change the measurements, as text.</summary>
    public static string Describe(InteractionOptions options) => string.Create(CultureInfo.InvariantCulture,
        $"patch {options.Patch}, {options.PairsPerImage} pairs, bins {string.Join(",", options.BinEdges)}, seed {options.Seed}, fill {options.Fill.ToString().ToLowerInvariant()}" +
        $"{(options.Fill == Attribution.AttributionBaseline.Blur ? $" sigma {options.BlurSigma:R}" : "")}, {(options.AllLogits ? "all logits" : "target logit")}");

    /// <summary>The identity of weights given as <paramref name="source"/>: a file's full path, size and modification time (UTC), else the name as given.</summary>
    public static string WeightsIdentity(string source) => File.Exists(source)
        ? string.Create(CultureInfo.InvariantCulture, $"{Path.GetFullPath(source)} ({new FileInfo(source).Length} bytes, {File.GetLastWriteTimeUtc(source):yyyy-MM-ddTHH:mm:ss.fffZ})")
        : source;

    /// <summary>Opens (creating) the folder of <paramref name="run"/>; one that describes another run is a <see cref="TextureBiasException"/> saying what differs.</summary>
    public static InteractionStore Open(string folder, InteractionRun run)
    {
        if (File.Exists(folder)) throw new TextureBiasException($"{folder}: is a file, not a results folder");
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        string file = Path.Combine(folder, "run.json");
        InteractionRun? old = null;
        if (File.Exists(file))
        {
            try { old = JsonSerializer.Deserialize<InteractionRun>(File.ReadAllText(file), Json); }
            catch (JsonException e) { throw new TextureBiasException($"{file}: not an interactions run description ({e.Message})"); }
            if (old is null) throw new TextureBiasException($"{file}: not an interactions run description");
            var differs = new List<string>();
            if (old.Model != run.Model) differs.Add($"model {old.Model} vs {run.Model}");
            if (old.Data != run.Data) differs.Add($"data {old.Data} vs {run.Data}");
            if (old.Preprocessing != run.Preprocessing) differs.Add($"{old.Preprocessing} vs {run.Preprocessing}");
            if (old.Settings != run.Settings) differs.Add($"{old.Settings} vs {run.Settings}");
            if ((old.Weights ?? "") != run.Weights) differs.Add($"weights {old.Weights} vs {run.Weights}");
            if (differs.Count > 0)
                throw new TextureBiasException($"{folder}: holds the results of another run ({string.Join("; ", differs)}); give another folder, or delete this one to start again");
        }
        if (old is null || old.Images != run.Images) AtomicFile.WriteText(file, JsonSerializer.Serialize(run, Json)); // more or fewer images (--images): kept entries stay valid
        return new InteractionStore(folder);
    }

    string ImageFile(int index) => Path.Combine(Folder, "images", index.ToString("D6", CultureInfo.InvariantCulture) + ".json");

    /// <summary>Image <paramref name="index"/>'s measurements if they were kept for <paramref name="file"/> with <paramref name="bins"/> bins; else null (also for an unreadable entry, which is measured again).</summary>
    public ImageInteractions? TryLoad(int index, string file, int bins)
    {
        string path = ImageFile(index);
        if (!File.Exists(path)) return null;
        Entry? entry;
        try { entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(path), Json); }
        catch (JsonException) { return null; }
        if (entry is null || entry.Image != Path.GetFullPath(file)) return null;
        if (entry.Failure is null && (entry.Moments.Count != bins || entry.Pairs.Any(p => p.Length != 10 || p[5] < 0 || p[5] >= bins))) return null;
        Reused++;
        var pairs = entry.Pairs.Select(p => new InteractionPairResult(file, new PatchPair((int)p[0], (int)p[1], (int)p[2], (int)p[3], (int)p[4]),
            (int)p[5], (int)p[6], (float)p[7], (float)p[8], (float)p[9])).ToList();
        return new ImageInteractions(file, entry.Failure, pairs, entry.Moments);
    }

    /// <summary>Keeps image <paramref name="index"/>'s measurements, atomically.</summary>
    public void Save(int index, ImageInteractions measured)
    {
        var entry = new Entry
        {
            Image = Path.GetFullPath(measured.Image), Failure = measured.Failure,
            Pairs = measured.Pairs.Select(p => new double[] { p.Pair.Px, p.Pair.Py, p.Pair.Qx, p.Pair.Qy, p.Pair.Size, p.Bin, p.Target, p.DeltaP, p.DeltaQ, p.DeltaPQ }).ToList(),
            Moments = measured.Moments.ToList(),
        };
        AtomicFile.WriteText(ImageFile(index), JsonSerializer.Serialize(entry, Json));
    }

    sealed class Entry
    {
        public string Image { get; set; } = "";
        public string? Failure { get; set; }
        public List<double[]> Pairs { get; set; } = [];
        public List<BinMoments> Moments { get; set; } = [];
    }
}
