using System.IO.Compression;
using System.Reflection;

namespace TextureBias.Observers;

/// <summary>
/// The human observers' trials of the 12 noise-generalisation experiments (Geirhos et al. 2018, as distributed by
/// bethgelab/model-vs-human, CC BY 4.0), bundled with the library: see data/humans/README.md.
/// </summary>
public static class HumanObservers
{
    /// <summary>The 12 experiments, in model-vs-human's names.</summary>
    public static IReadOnlyList<string> Experiments { get; } =
    [
        "colour", "contrast", "high-pass", "low-pass", "phase-scrambling", "power-equalisation",
        "false-colour", "rotation", "eidolonI", "eidolonII", "eidolonIII", "uniform-noise",
    ];

    private static readonly Lazy<HumanObserverTable> Table = new(Read);

    /// <summary>The bundled table (read once).</summary>
    public static HumanObserverTable Load() => Table.Value;

    private static HumanObserverTable Read()
    {
        var asm = Assembly.GetExecutingAssembly();
        var name = asm.GetManifestResourceNames().Single(n => n.EndsWith("noise-generalisation-humans.csv.gz", StringComparison.Ordinal));
        using var gz = new GZipStream(asm.GetManifestResourceStream(name)!, CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        const string source = "bundled noise-generalisation-humans.csv.gz";
        var header = reader.ReadLine();
        if (header != "experiment,subject,condition,image,category,response") throw new InvalidOperationException($"{source}: unexpected header '{header}'");
        var trials = new Dictionary<string, List<RawTrial>>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var f = line.Split(',');
            if (f.Length != 6) throw new InvalidOperationException($"{source}: bad line '{line}'");
            if (!trials.TryGetValue(f[0], out var list)) trials[f[0]] = list = [];
            list.Add(new RawTrial(f[1], "1", f[2], f[3], f[4], f[5]));
        }
        return new HumanObserverTable(Experiments.Where(trials.ContainsKey).ToDictionary(e => e, e => (IReadOnlyList<RawTrial>)trials[e]));
    }
}
