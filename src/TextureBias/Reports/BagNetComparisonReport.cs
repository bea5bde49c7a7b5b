using System.Globalization;
using System.Net;
using System.Text;
using TextureBias.Comparison;
using TextureBias.Data;

namespace TextureBias.Reports;

/// <summary>The BagNet comparison (<see cref="BagNetComparison"/>) as a self-contained HTML report in the demo's style, with its figures.</summary>
public static class BagNetComparisonReport
{
    /// <summary>
    /// Draws the figures into <paramref name="figures"/> (a scatter of per-class accuracy per network, the masking curves, the
    /// interactions) and writes the report to <paramref name="path"/>, atomically, figures embedded.
    /// </summary>
    public static void Write(string path, string figures, BagNetComparisonResult result, BagNetComparisonOptions options, string data)
    {
        Directory.CreateDirectory(figures);
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string P(double v) => double.IsNaN(v) ? "–" : (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        static string F(double v) => double.IsNaN(v) ? "–" : v.ToString("0.000", CultureInfo.InvariantCulture);
        string Img(string file, string alt) => $"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(file))}\" alt=\"{E(alt)}\">";

        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>TextureBias: do deep networks decide like BagNets?</title>\n<style>\n")
         .Append("body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\n")
         .Append("table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}th:first-child,td:first-child{text-align:left}\n")
         .Append("th{background:#f2f2f2}img{max-width:100%;border:1px solid #ddd;margin:.5em 0}code{background:#f4f4f4;padding:0 .2em}\n</style></head><body>\n");
        h.Append("<h1>Do deep networks decide like BagNets?</h1>\n")
         .Append($"<p>Made by <code>texturebias compare-bagnet</code> on {DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} with the images of <code>{E(data)}</code>. ")
         .Append("Brendel &amp; Bethge (ICLR 2019, §5) compare a BagNet with deep networks in three ways: the distribution of their errors, their sensitivity to the ")
         .Append("image regions that carry the BagNet's evidence, and the interactions between image parts. The paper's exact protocols (mask sizes, numbers of patches, ")
         .Append("mask values, metrics) are not published in a form we could read; the settings below are this tool's and are written next to each result.</p>\n");
        h.Append($"<p>BagNet: <b>{E(result.BagNet)}</b>; networks: {E(string.Join(", ", result.Errors.Select(e => e.Model)))}.</p>\n");

        h.Append("<h2>Error distribution</h2>\n<p>Per class, the top-1 and top-5 accuracy of each network against the BagNet's, over the images of the class, and the Pearson r across classes ")
         .Append("(the paper's figure: per-class top-5 accuracy, BagNet-33 against VGG-16, \"performed quite similarly\"). Also the mean per-image correlation of the two networks' logits ")
         .Append("and how often they agree on the top-1 class (our extension).</p>\n");
        h.Append("<table><tr><th>network</th><th>images</th><th>r per-class top-5</th><th>r per-class top-1</th><th>top-5 BagNet</th><th>top-5 network</th><th>mean logit correlation</th><th>same top-1</th></tr>\n");
        foreach (var (model, r) in result.Errors)
        {
            var pc = r.PerClass;
            h.Append($"<tr><td>{E(model)}</td><td>{r.Images}</td><td>{(pc is null ? "–" : F(pc.Top5R))}</td><td>{(pc is null ? "–" : F(pc.Top1R))}</td>")
             .Append($"<td>{(pc is null ? "–" : P(pc.Top5A))}</td><td>{(pc is null ? "–" : P(pc.Top5B))}</td><td>{F(r.Mean)}</td><td>{P(r.Top1Agreement)}</td></tr>\n");
        }
        h.Append("</table>\n");
        foreach (var (model, r) in result.Errors)
        {
            if (r.PerClass is null) continue;
            string file = Path.Combine(figures, $"per-class-{FileNameText.Of(model)}.png");
            ClassAccuracyScatter.Save(file, r.PerClass, result.BagNet, model);
            h.Append(Img(file, $"per-class accuracy, {result.BagNet} against {model}")).Append('\n');
        }
        if (result.Errors.All(e => e.Result.PerClass is null))
            h.Append("<p>(No per-class accuracy: the folder's classes are not classes the networks know, e.g. ImageNet WNID folders.)</p>\n");

        var m = options.Masking;
        h.Append("<h2>Feature sensitivity</h2>\n")
         .Append($"<p>Each image is cut into a centred grid of {m.Patch}×{m.Patch}-pixel squares, ranked by the BagNet's evidence for the true class (summed over each square) or at random; ")
         .Append($"the top k squares are masked ({E(m.Fill.ToString().ToLowerInvariant())} fill: {(m.Fill == Attribution.AttributionBaseline.Zero ? "the mean colour" : "see the README")}) and each network's top-5 accuracy is measured. ")
         .Append("A network that relies on the same regions as the BagNet loses accuracy much faster under the BagNet's ranking than under the random one (the paper: \"especially for VGG-16\").</p>\n");
        var steps = result.Masking.Select(p => p.Masked).Distinct().Order().ToList();
        var rankings = result.Masking.Select(p => p.Ranking).Distinct().ToList();
        var panels = rankings.Select(rk => new RobustnessPanel($"ranking: {rk}", $"top {m.Patch}×{m.Patch} squares masked", steps.Select(k => k.ToString(CultureInfo.InvariantCulture)).ToList(),
            result.Masking.Select(p => p.Model).Distinct().Select(model => new RobustnessSeries(model,
                steps.Select(k => result.Masking.FirstOrDefault(p => p.Model == model && p.Ranking == rk && p.Masked == k)?.Top5 ?? double.NaN).ToList())).ToList(),
            "top-5 accuracy")).ToList();
        string masking = Path.Combine(figures, "masking.png");
        RobustnessFigure.Save(masking, panels, "Feature sensitivity: masking the top-ranked squares");
        h.Append(Img(masking, "masking curves")).Append('\n');
        h.Append("<table><tr><th>network</th><th>ranking</th>").Append(string.Concat(steps.Select(k => $"<th>k = {k}</th>"))).Append("</tr>\n");
        foreach (var model in result.Masking.Select(p => p.Model).Distinct())
            foreach (var rk in rankings)
                h.Append($"<tr><td>{E(model)}</td><td>{E(rk)}</td>").Append(string.Concat(steps.Select(k =>
                    $"<td>{P(result.Masking.FirstOrDefault(p => p.Model == model && p.Ranking == rk && p.Masked == k)?.Top5 ?? double.NaN)}</td>"))).Append("</tr>\n");
        h.Append("</table>\n");

        var io = options.Interactions;
        h.Append("<h2>Interactions between image parts</h2>\n")
         .Append($"<p>Two {io.Patch}×{io.Patch}-pixel squares are masked alone and together ({io.PairsPerImage} pairs per image, on {result.Interactions.FirstOrDefault().Result?.Images ?? 0} images); ")
         .Append("if the network adds up local evidence, the change of the logit when both are masked equals the sum of the two single changes. Per gap between the squares: the correlation of the two ")
         .Append("(1: no interaction) and the mean non-additivity relative to the joint change (0: none). A BagNet-q has no interaction once no q×q patch sees both squares; ")
         .Append("the paper found VGG-16 has few interactions beyond about 30 pixels and deeper networks more.</p>\n");
        string inter = Path.Combine(figures, "interactions.png");
        InteractionPlot.Save(inter, "Interactions between image parts", $"{io.Patch}-px squares, {io.PairsPerImage} pairs per image", result.Interactions.Select(x => (x.Model, x.Result)).ToList());
        h.Append(Img(inter, "interactions against gap")).Append('\n');
        if (result.Interactions.Count > 0)
        {
            var bins = result.Interactions[0].Result.Bins;
            h.Append("<table><tr><th>network</th>").Append(string.Concat(bins.Select(b => $"<th>gap {E(b.Label)}</th>"))).Append("</tr>\n");
            foreach (var (model, r) in result.Interactions)
                h.Append($"<tr><td>{E(model)}</td>").Append(string.Concat(r.Bins.Select(b => $"<td>r {F(b.Correlation)}<br>{P(b.RelativeNonAdditivity)}</td>"))).Append("</tr>\n");
            h.Append("</table>\n");
        }
        h.Append("<p>Every number here comes from the commands <code>correlate</code>, <code>mask</code> and <code>interactions</code>, which run each part on its own with more options.</p>\n");
        h.Append("</body></html>\n");
        AtomicFile.WriteText(path, h.ToString());
    }
}
