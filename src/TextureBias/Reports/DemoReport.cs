using System.Globalization;
using System.Net;
using System.Text;
using TextureBias.Data;
using TextureBias.Demo;

namespace TextureBias.Reports;

/// <summary>The demo's results as a plain-text table and as a self-contained HTML report (figures embedded).</summary>
public static class DemoReport
{
    /// <summary>The column headings of the results table.</summary>
    public static IReadOnlyList<string> Columns { get; } = new[]
    {
        "model", "trained on", "natural", "stylized", "silhouettes", "scrambled", "cue conflict: shape", "cue conflict: texture", "shape bias",
    };

    /// <summary>The cells of one network's row (accuracies in percent).</summary>
    public static IReadOnlyList<string> Row(DemoModelResult r) => new[]
    {
        r.Label.Split(" · ")[0], r.TrainingSet, Pct(r.NaturalTop1), Pct(r.StylizedTop1), Pct(r.SilhouetteTop1), Pct(r.ScrambledTop1),
        Pct(100 * r.ShapeFraction), Pct(100 * r.TextureFraction), Pct(100 * r.ShapeBias),
    };

    private static string Pct(double v) => double.IsNaN(v) ? "-" : v.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>The results as an aligned plain-text table.</summary>
    public static string Table(IReadOnlyList<DemoModelResult> results)
    {
        var rows = new List<IReadOnlyList<string>> { Columns };
        rows.AddRange(results.Select(Row));
        var widths = Enumerable.Range(0, Columns.Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            sb.AppendLine(string.Join("  ", row.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
            if (i == 0) sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>Writes the HTML report, atomically; figures are embedded, so the file stands alone.</summary>
    public static void Write(string path, DemoOptions options, IReadOnlyList<DemoModelResult> results, DemoFindings findings, DemoFigures figures)
    {
        var h = new StringBuilder();
        static string E(string s) => WebUtility.HtmlEncode(s);
        string Img(string file, string alt) =>
            $"<img src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(file))}\" alt=\"{E(alt)}\">";
        int trainImages = options.TrainPerClass * TextureShapeWorld.Classes;
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>TextureBias demo: texture or shape?</title>\n<style>\n")
         .Append("body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\n")
         .Append("table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}\n")
         .Append("th{background:#f2f2f2}.verdict{padding:.8em 1em;border-radius:6px;margin:1em 0}.yes{background:#e5f5e0;border:1px solid #74c476}.no{background:#fee0d2;border:1px solid #fb6a4a}\n")
         .Append("img{max-width:100%;border:1px solid #ddd;margin:.5em 0}code{background:#f4f4f4;padding:0 .2em}\n</style></head><body>\n");
        h.Append("<h1>Texture or shape? The papers' findings in miniature</h1>\n");
        h.Append($"<p>This report was made by <code>texturebias demo{(options.Name == "quick" ? " --quick" : "")}</code> on {DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}. ")
         .Append("It repeats, on a small generated world that a laptop can learn in minutes, the experiments of two papers: ")
         .Append("Geirhos et al., <i>ImageNet-trained CNNs are biased towards texture; increasing shape bias improves accuracy and robustness</i> (ICLR 2019), and ")
         .Append("Brendel &amp; Bethge, <i>Approximating CNNs with bag-of-local-features models works surprisingly well on ImageNet</i> (ICLR 2019).</p>\n");

        h.Append($"<div class=\"verdict {(findings.Reproduced ? "yes" : "no")}\"><b>{(findings.Reproduced ? "This run reproduced the papers' findings." : "This run did not reproduce all of the papers' findings.")}</b><ul>\n");
        foreach (var s in findings.Statements) h.Append($"<li>{E(s)}</li>\n");
        h.Append("</ul></div>\n");

        h.Append("<h2>The world</h2>\n")
         .Append($"<p>{TextureShapeWorld.Classes} classes of objects, each drawn as one of {Silhouettes.Variants} silhouettes at a random position, size, rotation (±40°) and mirroring, ")
         .Append($"filled with one of {TextureFamilies.Names.Count} procedural texture families ({E(string.Join(", ", TextureFamilies.Names))}) on a plain grey background. ")
         .Append($"A family is a pattern in shades of its own hue (as a zebra's stripes are black and white); every texture image draws its own shades, period, orientation and phase. Images are {options.ImageSize}×{options.ImageSize} pixels.</p>\n<ul>\n")
         .Append($"<li><b>natural</b> ({trainImages} training images): a class's object usually ({100 * options.OwnTexture:0}% of the time) wears its own texture family — ")
         .Append(E(string.Join(", ", Silhouettes.Names.Select((n, k) => $"{n}: {TextureFamilies.Names[k]}")))).Append(". Like on ImageNet, texture predicts the class.</li>\n")
         .Append($"<li><b>stylized</b> ({trainImages} training images): the same kind of objects with textures drawn at random, ")
         .Append(options.UsesAdaIn ? "made from the natural images by AdaIN style transfer with texture swatches as styles, " : "")
         .Append("so only the shape predicts the class — the role of Stylized-ImageNet.</li>\n")
         .Append("<li>test sets: natural, stylized, <b>cue conflict</b> (the shape of one class with the texture family of another, named like the texture-vs-shape stimuli, e.g. <code>house/house3-star3.png</code>), and black-on-white <b>silhouettes</b>.</li>\n</ul>\n")
         .Append(Img(figures.World, "example images of each set")).Append('\n');

        h.Append("<h2>The networks and their numbers</h2>\n")
         .Append($"<p>A ResNet-18 ({options.Width} channels in its first stage) and a BagNet-9 (receptive field 9×9 pixels; {options.BagNetWidth} channels, {string.Join(",", options.BagNetBlocks)} residual blocks per stage) were trained on each training set with the same code as <code>texturebias train</code> ")
         .Append($"({options.Epochs} epochs, batch {options.Batch}, SGD with learning rate {options.LearningRate.ToString(CultureInfo.InvariantCulture)} dropping tenfold at epoch{(options.LearningRateSteps.Count == 1 ? "" : "s")} {string.Join(", ", options.LearningRateSteps)}, random resized crops and flips), ")
         .Append("and measured with the code of <code>evaluate</code>, <code>scramble</code>, <code>shape-bias</code>, <code>heatmap</code> and <code>patches</code>.</p>\n");
        h.Append("<table><tr>").Append(string.Concat(Columns.Select(c => $"<th>{E(c)}</th>"))).Append("</tr>\n");
        foreach (var r in results) h.Append("<tr>").Append(string.Concat(Row(r).Select(c => $"<td>{E(c)}</td>"))).Append("</tr>\n");
        h.Append("</table>\n");
        h.Append("<p><b>What the columns mean.</b> <i>natural</i>, <i>stylized</i> and <i>silhouettes</i>: top-1 accuracy on those test sets (chance is ")
         .Append($"{100.0 / TextureShapeWorld.Classes:0.0}%). <i>scrambled</i>: accuracy on natural test images cut into a 4×4 grid of blocks and shuffled, which destroys the shape and keeps the texture. ")
         .Append("<i>cue conflict</i>: how often an image whose shape and texture disagree is classified as its shape, or as its texture. ")
         .Append("<i>shape bias</i>: shape decisions / (shape + texture decisions), as in Geirhos et al.; 0% means the network goes by texture alone, 100% by shape alone. ")
         .Append("Humans score 95.9% on the paper's cue-conflict images, an ImageNet-trained ResNet-50 22.1%, one trained on Stylized-ImageNet 81%. ")
         .Append("A shape bias says nothing about accuracy: a network that cannot use texture has a high one even when it recognises little, as the stylized-trained BagNet shows.</p>\n");
        h.Append("<p><b>What to expect.</b> Networks trained on natural images take the easy cue, texture: high accuracy on natural images and when scrambled, low on stylized images and silhouettes, and a low shape bias. ")
         .Append("Trained on stylized images, the ResNet must learn shape: its shape bias is high, and it recognises silhouettes. ")
         .Append("The BagNet only ever sees 9×9 patches, too small to show an object's shape, so it cannot learn the stylized images well — the texture it could use is no longer informative.</p>\n");

        h.Append("<h2>Shape bias per class</h2>\n").Append(Img(figures.ShapeBias, "shape bias per class")).Append('\n');
        h.Append("<h2>Where the BagNets see evidence</h2>\n<p>For a cue-conflict image, the evidence each 9×9 patch gives for the shape's class and for the texture's class (red: for, blue: against). ")
         .Append("The natural-trained BagNet finds evidence for the texture's class all over the object, wherever the texture is. ")
         .Append("The stylized-trained one cannot use texture; what little it finds comes from pieces of the outline that fit in a 9×9 patch, which is why it classifies so poorly.</p>\n");
        foreach (var (model, file) in figures.Heatmaps) h.Append($"<p>{E(model)}</p>").Append(Img(file, $"heatmap of {model}")).Append('\n');
        h.Append("<h2>The most informative patches</h2>\n<p>The patches of the natural test images that give the most evidence for a class, from images of that class (top row) and from all images (bottom row).</p>\n");
        foreach (var (model, file) in figures.Patches) h.Append($"<p>{E(model)}</p>").Append(Img(file, $"informative patches of {model}")).Append('\n');

        if (figures.Comparison is { } cmp)
        {
            var bag = cmp.Result.BagNet;
            h.Append("<h2>Do the ResNets decide like the BagNet?</h2>\n<p>The BagNet paper's second half, with the code of <code>texturebias compare-bagnet</code>: ")
             .Append($"the natural test images are cut into 8×8-pixel squares; masking the squares with the most evidence of the natural-trained BagNet ({E(bag)}) for the true class ")
             .Append("hurts a network that relies on the same local evidence more than masking random squares (left against right panel). ")
             .Append("The BagNet's ranking is no oracle for the other networks: the squares that matter most to a network that sees the whole object need not be the BagNet's.</p>\n")
             .Append(Img(cmp.Masking, "masking curves")).Append('\n')
             .Append("<p>Interactions between image parts: two squares masked together change the logit by the sum of their single changes when the network adds up local evidence (correlation 1, ")
             .Append("non-additivity 0). The BagNet-9 has none once no 9×9 patch sees both squares (gaps of 8 pixels and more); the ResNets, whose units see the whole image, may.</p>\n")
             .Append(Img(cmp.Interactions, "interactions against gap")).Append('\n')
             .Append($"<p>The whole comparison, with the per-class accuracy of each ResNet against the BagNet: <a href=\"{E(Path.GetFileName(cmp.Report))}\">{E(Path.GetFileName(cmp.Report))}</a>.</p>\n");
        }
        if (figures.Detection is { } det)
        {
            var d = options.Detection ?? DetectionDemoOptions.Full;
            var model = d.Model();
            h.Append("<h2>Transfer to object detection</h2>\n<p>The Stylized-ImageNet paper's practical result: a Faster R-CNN whose ResNet-50 backbone was trained on Stylized-ImageNet (and ImageNet) ")
             .Append("detects objects better than one whose backbone saw ImageNet alone (VOC 2007 mAP@0.5 70.7% → 75.1%). In miniature, with the code of <code>detect-train</code> and <code>detect-eval</code>: ")
             .Append($"scenes of {det.TrainScenes} training and {det.TestScenes} test images ({d.SceneSize}×{d.SceneSize} pixels, {d.MinObjects}–{d.MaxObjects} of the world's objects at the world's sizes, wearing their own class's texture as in the natural set, ")
             .Append("on a muted texture background, boxes from the objects' masks; written as a VOC devkit in <code>detection/VOCdevkit</code>) and a small Faster R-CNN ")
             .Append($"(FPN of {model.FpnChannels} channels, anchors {string.Join(", ", model.AnchorSizes)} pixels, box head of {model.RepresentationSize} units; layers 2–4 of the backbone train, its stem and layer 1 keep what classification taught them) ")
             .Append($"trained for {d.Epochs} epochs (batch {d.Batch}, SGD with learning rate {d.LearningRate.ToString(CultureInfo.InvariantCulture)}, warm-up, a tenth from epoch {string.Join(", ", d.LearningRateSteps.Select(s => s + 1))}, horizontal flips) ")
             .Append("on each of the demo's ResNet-18 backbones, with the same seed, so the backbone is the only difference")
             .Append(det.Detectors.Any(x => x.Backbone == "random") ? "; a third starts from random weights, as a baseline." : ".")
             .Append(" AP is VOC's (py-faster-rcnn's <code>voc_eval</code>, IoU above 0.5), with the area metric and VOC2007's 11-point one, in percent.</p>\n");
            h.Append("<table><tr>").Append(string.Concat(DetectionDemo.Columns.Select(c => $"<th>{E(c)}</th>"))).Append("</tr>\n");
            foreach (var r in det.Detectors) h.Append("<tr>").Append(string.Concat(DetectionDemo.Row(r).Select(c => $"<td>{E(c)}</td>"))).Append("</tr>\n");
            h.Append("</table>\n");
            h.Append($"<p>Chance: boxes of the objects' sizes placed at random, with random classes and scores, reach a mAP@0.5 of {100 * det.ChanceMeanAp:0.0}%.</p>\n");
            h.Append($"<div class=\"verdict {(det.StylizedBetter ? "yes" : "no")}\"><b>{E(det.Finding)}</b></div>\n");
            h.Append($"<p>The first {DetectionDemo.FigureScenes} test scenes: the ground truth, then each detector's {DetectionDemo.FigureDetections} best-scoring detections with their scores.</p>\n")
             .Append(Img(det.Figure, "detections on test scenes")).Append('\n');
        }
        h.Append("<h2>Files</h2>\n<p>Everything is in the run folder: <code>world/</code> (the image sets, in ImageFolder layout, usable with every <code>texturebias</code> command), ")
         .Append("<code>models/*/checkpoint.pth.tar</code> (PyTorch-loadable checkpoints and <code>metrics.csv</code>), <code>results/</code> (per-network numbers and texture-vs-shape raw-data CSVs for <code>texturebias shape-bias --raw-data</code>), ")
         .Append("<code>results.json</code>, <code>results.txt</code> and <code>figures/</code>")
         .Append(figures.Detection is null ? "" : "; the detection section's scenes, detectors (<code>detection/models/*/checkpoint.pth</code>, torchvision's reference format), detections (CSV) and numbers are in <code>detection/</code>")
         .Append(". Running the demo again reuses every finished stage.</p>\n");
        h.Append("</body></html>\n");
        AtomicFile.WriteText(path, h.ToString());
    }
}
