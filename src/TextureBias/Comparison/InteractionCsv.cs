using System.Globalization;
using System.Text;
using TextureBias.Data;

namespace TextureBias.Comparison;

/// <summary>Interaction results as CSV: one row per model and gap bin, or one row per model, image and pair.</summary>
public static class InteractionCsv
{
    /// <summary><c>model,bin_low,bin_high,pairs,values,r,mean_nonadditivity,mean_abs_joint,relative_nonadditivity</c> (bin_high empty for the open last bin; NaN where undefined).</summary>
    public static string Bins(IReadOnlyList<(string Name, InteractionResult Result)> models)
    {
        var text = new StringBuilder("model,bin_low,bin_high,pairs,values,r,mean_nonadditivity,mean_abs_joint,relative_nonadditivity\n");
        foreach (var (name, result) in models)
            foreach (var b in result.Bins)
                text.Append(FormattableString.Invariant(
                    $"{CsvText.Field(name)},{b.Low},{b.High?.ToString(CultureInfo.InvariantCulture)},{b.Pairs},{b.Values},{b.Correlation:R},{b.MeanNonAdditivity:R},{b.MeanJoint:R},{b.RelativeNonAdditivity:R}\n"));
        return text.ToString();
    }

    /// <summary><c>model,image,px,py,qx,qy,size,gap,bin_low,target,delta_p,delta_q,delta_pq,nonadditivity</c>: every pair's changes of the target logit.</summary>
    public static string Pairs(IReadOnlyList<(string Name, InteractionResult Result)> models, IReadOnlyList<int> binEdges)
    {
        var text = new StringBuilder("model,image,px,py,qx,qy,size,gap,bin_low,target,delta_p,delta_q,delta_pq,nonadditivity\n");
        foreach (var (name, result) in models)
            foreach (var p in result.Pairs)
                text.Append(FormattableString.Invariant(
                    $"{CsvText.Field(name)},{CsvText.Field(p.Image)},{p.Pair.Px},{p.Pair.Py},{p.Pair.Qx},{p.Pair.Qy},{p.Pair.Size},{p.Pair.Gap},{binEdges[p.Bin]},{p.Target},{p.DeltaP:R},{p.DeltaQ:R},{p.DeltaPQ:R},{p.NonAdditivity:R}\n"));
        return text.ToString();
    }
}
