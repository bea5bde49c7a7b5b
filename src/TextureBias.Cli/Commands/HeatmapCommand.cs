using System.CommandLine;
using System.Diagnostics;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Interpretation;
using TextureBias.Models;
using TextureBias.Reports;
using static TorchSharp.torch;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias heatmap</c>: per-pixel class evidence of a BagNet, as a figure and a .npy.</summary>
internal static class HeatmapCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = "bagnet9, bagnet17 or bagnet33 (not needed with registered --weights or a BagNet weight file)" };
        var weights = new Option<string?>("--weights") { Description = "Weight file, or a registered name (see classify)" };
        var image = new Option<string>("--image") { Description = "The image", Required = true };
        var classes = new Option<string?>("--class") { Description = "Class name (as the checkpoint records them), index or WNID; several separated by commas (default: the top-1 class)" };
        var resize = new Option<int?>("--resize") { Description = "Shorter side after resizing (0 keeps the size; default: the checkpoint's, else 256)" };
        var crop = new Option<int?>("--crop") { Description = "Centre crop side (0 for no crop; default: the checkpoint's, else 224)" };
        var output = new Option<string>("--out") { Description = "The figure (.png)", Required = true };
        var npy = new Option<string?>("--npy") { Description = "The maps as float32 .npy: [H,W] for one class, [C,H,W] for several" };
        var stride = new Option<int>("--stride") { Description = "1: the exact map at every pixel; 8: the coarse map of one forward pass", DefaultValueFactory = _ => 1 };
        var tile = new Option<int>("--tile") { Description = "Output tile side computed at once (multiple of 8; bounds memory on large images, on the GPU too)", DefaultValueFactory = _ => 224 };
        var device = DeviceOption.Create();
        var command = new Command("heatmap", "Class-evidence heatmap of a BagNet: the logit of the patch centred on each pixel.")
        {
            arch, weights, image, classes, resize, crop, output, npy, stride, tile, device,
        };
        PathOptions.Declare(inputFiles: [image], outputFiles: [output, npy]);
        command.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            CommandRunner.CheckSizes(r.GetValue(resize), r.GetValue(crop));
            var model = ModelLoading.LoadBagNet(r.GetValue(arch), r.GetValue(weights), "heatmaps");
            using (model)
            {
                var preprocessing = CommandRunner.Preprocessing(model, r.GetValue(resize), r.GetValue(crop), Preprocessing.ImageNetEval);
                var wanted = r.GetValue(classes)?.Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(model.ParseClass).ToList();
                var picture = ImageDecoder.Decode(r.GetValue(image)!);
                int s = r.GetValue(stride), t = r.GetValue(tile);
                if (t < 8 || t % 8 != 0) throw new TextureBiasException("--tile must be a positive multiple of 8");
                Console.Error.WriteLine($"texturebias: {(s == 1 ? "dense" : "stride-8")} heatmap of {r.GetValue(image)} with {model.Architecture}...");
                var watch = Stopwatch.StartNew();
                using var evidence = ClassEvidence.Compute(model, picture, preprocessing, wanted, s, t, device: on);
                double seconds = watch.Elapsed.TotalSeconds;
                if (r.GetValue(npy) is { } npyPath)
                {
                    using var maps = evidence.Classes.Count == 1 ? evidence.Maps[0] : evidence.Maps.alias();
                    Npy.Save(npyPath, maps);
                }
                using (var grid = evidence.OnPixelGrid())
                {
                    string caption = $"{model.Architecture}: logit of the {model.ReceptiveField}×{model.ReceptiveField} patch " +
                        (s == 1 ? "centred on each pixel" : "of each stride-8 cell, shown around its centre") +
                        $"; colours scaled at the {HeatmapFigure.Percentile:0}th percentile of |logit|; grey lines: image edges.";
                    HeatmapFigure.Save(r.GetValue(output)!, evidence.Image, grid, evidence.Titles(model), caption);
                }
                foreach (var (k, i) in evidence.Classes.Select((k, i) => (k, i)))
                {
                    using var m = evidence.Maps[i];
                    Console.WriteLine($"{k}\t{model.ClassName(k)}\timage logit {evidence.Logits[k]:0.000}\tpatch logits {m.min().item<float>():0.000} .. {m.max().item<float>():0.000}");
                }
                Console.Error.WriteLine($"texturebias: {evidence.Maps.shape[1]}x{evidence.Maps.shape[2]} map{(evidence.Classes.Count == 1 ? "" : "s")} in {seconds:0.0} s; figure in {r.GetValue(output)}" +
                    (r.GetValue(npy) is { } p ? $", values in {p}" : ""));
            }
            return CommandRunner.Ok;
        }));
        return command;
    }
}
