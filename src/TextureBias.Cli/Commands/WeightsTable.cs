using System.Globalization;
using TextureBias.Data;
using TextureBias.Models.Zoo;

namespace TextureBias.Cli.Commands;

/// <summary>
/// The text of <c>texturebias weights list</c> and <c>weights show</c>. The list is a compact
/// table that fits an 80-column terminal with every registered name whole on its line (names are
/// typed and pasted): a mark for what is on this machine, name, architecture, published top-1 and
/// shape bias; the rest of an entry is in <c>weights show NAME</c> and <c>weights list --json</c>.
/// </summary>
internal static class WeightsTable
{
    /// <summary>The table, a legend and the cache folders, one string per line.</summary>
    public static IReadOnlyList<string> List(IReadOnlyList<WeightStatus> statuses, ZooOptions options)
    {
        var rows = statuses.Select(s => new[]
        {
            Mark(s.Location), s.Weights.Name, Arch(s.Weights), Percent(s.Weights.Published?.Top1, "0.0"), Percent(s.Weights.Published?.ShapeBias, "0.0"),
        }).Prepend(new[] { " ", "name", "arch", "top-1", "shape" }).ToList();
        int[] width = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var lines = rows.Select(r =>
            $"{r[0]} {r[1].PadRight(width[1])}  {r[2].PadRight(width[2])}  {r[3].PadLeft(width[3])}  {r[4].PadLeft(width[4])}".TrimEnd()).ToList();
        lines.Add("");
        lines.Add("* on this machine, + partly downloaded; top-1 on ImageNet; shape: shape bias");
        lines.Add("each entry whole (top-5, file, licence, source): texturebias weights show NAME");
        lines.Add($"cache: {options.CacheDir}");
        if (options.TorchHubDir is { } hub) lines.Add($"also reused: {hub}");
        return lines;
    }

    /// <summary>Everything about one entry, as "key  value" lines.</summary>
    public static IReadOnlyList<string> Show(WeightStatus status)
    {
        var w = status.Weights;
        var p = w.Published;
        var rows = new List<(string Key, string Value)>
        {
            ("name", w.Name),
            ("kind", ModelZoo.Describe(w.Kind)),
        };
        if (w.Architecture is not null) rows.Add(("arch", w.Architecture));
        rows.Add(("trained on", w.TrainedOn));
        if (p?.Top1 is not null) rows.Add(("top-1", Percent(p.Top1, "0.0#")));
        if (p?.Top5 is not null) rows.Add(("top-5", Percent(p.Top5, "0.0#")));
        if (p?.ShapeBias is not null) rows.Add(("shape bias", Percent(p.ShapeBias, "0.0#")));
        if (p?.BoxAp is not null) rows.Add(("box AP", Percent(p.BoxAp, "0.0#") + " (COCO val2017, IoU 0.50:0.95)"));
        if (p?.Source is not null) rows.Add(("results from", p.Source));
        rows.Add(("file", w.File));
        rows.Add(("size", w.Size is { } size ? $"{ByteSize.Format(size)} ({size} bytes)" : w.MaxSize is { } bound ? $"at most {ByteSize.Format(bound)} ({bound} bytes; exact size not registered)" : "-"));
        rows.AddRange(HashRows(status.Hash));
        foreach (var (url, i) in w.Urls.Select((u, i) => (u, i))) rows.Add((i == 0 ? "url" : "mirror", url));
        rows.Add(("licence", w.Licence));
        rows.Add(("source", w.Source));
        rows.Add(("here", status.Location switch
        {
            WeightLocation.Cache => $"{status.Path} ({ByteSize.Format(status.Bytes)})",
            WeightLocation.TorchHub => $"{status.Path} ({ByteSize.Format(status.Bytes)}, PyTorch's hub cache)",
            WeightLocation.Partial => $"partly downloaded: {ByteSize.Format(status.Bytes)} in {status.Path} (texturebias weights fetch {w.Name} resumes it)",
            _ => $"not on this machine (texturebias weights fetch {w.Name})",
        }));
        int key = rows.Max(r => r.Key.Length);
        return rows.Select(r => $"{r.Key.PadRight(key)}  {r.Value}").ToList();
    }

    /// <summary>The hash a file must have, and where that comes from: the registry, or a record made here.</summary>
    private static IEnumerable<(string Key, string Value)> HashRows(WeightHash hash)
    {
        if (hash.Registered is not null)
        {
            yield return ("sha256", $"{hash.Registered} (registered)");
            yield break;
        }
        yield return ("sha256", $"begins with {hash.Prefix} (from the file name; the registry has no whole hash)");
        yield return ("recorded", hash.Recorded is { } recorded
            ? $"{recorded} (recorded here when first verified; later files must match it)"
            : "nothing yet (the whole SHA-256 is recorded when a file first passes here)");
    }

    /// <summary>"registered", "recorded" or "prefix": what a file is compared with.</summary>
    public static string Basis(WeightHash hash) => hash.Basis switch
    {
        HashBasis.Registered => "registered",
        HashBasis.Recorded => "recorded",
        _ => "prefix",
    };

    private static string Mark(WeightLocation location) => location switch
    {
        WeightLocation.Cache or WeightLocation.TorchHub => "*",
        WeightLocation.Partial => "+",
        _ => " ",
    };

    private static string Arch(PretrainedWeights w) => w.Architecture ?? w.Kind switch
    {
        WeightKind.AdaInEncoder => "AdaIN enc",
        WeightKind.Detector => "detector",
        _ => "AdaIN dec",
    };

    private static string Percent(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) + "%" : "-";
}
