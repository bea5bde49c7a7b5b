using System.CommandLine;
using System.Diagnostics;
using TextureBias.Data;
using TextureBias.Interpretation;
using TextureBias.Models;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias patches</c>: the most informative patches of classes over a folder.</summary>
internal static class PatchesCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = "bagnet9, bagnet17 or bagnet33 (not needed with registered --weights or a BagNet weight file)" };
        var weights = new Option<string?>("--weights") { Description = "Weight file, or a registered name (see classify)" };
        var data = new Option<string>("--data") { Description = "Image folder (ImageFolder layout: a folder named by class name, WNID or class index labels its images)", Required = true };
        var classes = new Option<string>("--class") { Description = "Class name (as the checkpoint records them), index or WNID; several separated by commas", Required = true };
        var top = new Option<int>("--top") { Description = "Patches per row", DefaultValueFactory = _ => 7 };
        var resize = new Option<int?>("--resize") { Description = "Shorter side after resizing (0 keeps the size; default: the checkpoint's, else 256)" };
        var crop = new Option<int?>("--crop") { Description = "Centre crop side (0 for no crop; default: the checkpoint's, else 224)" };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 16 };
        var output = new Option<string>("--out") { Description = "The mosaic (.png)", Required = true };
        var csv = new Option<string?>("--csv") { Description = "The patches as CSV: class, row, rank, image, x, y, size, logit" };
        var device = DeviceOption.Create();
        var command = new Command("patches", "The most informative patches of classes over a folder: from images of the class and from all images.")
        {
            arch, weights, data, classes, top, resize, crop, batch, output, csv, device,
        };
        PathOptions.Declare(inputFolders: [data], outputFiles: [output, csv]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            CommandRunner.CheckSizes(r.GetValue(resize), r.GetValue(crop));
            int k = r.GetValue(top);
            if (k < 1) throw new TextureBiasException("--top must be at least 1");
            if (r.GetValue(batch) < 1) throw new TextureBiasException("--batch must be at least 1");
            var model = ModelLoading.LoadBagNet(r.GetValue(arch), r.GetValue(weights), "patches");
            using (model)
            {
                var preprocessing = CommandRunner.Preprocessing(model, r.GetValue(resize), r.GetValue(crop), TextureBias.Imaging.Preprocessing.ImageNetEval);
                var wanted = r.GetValue(classes)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(model.ParseClass).Distinct().ToList();
                var folder = r.GetValue(data)!;
                if (!Directory.Exists(folder)) throw new TextureBiasException($"{folder}: no such folder");
                var files = ImageFiles.Find(new[] { folder });
                if (files.Count == 0) throw new TextureBiasException($"no image files found in {folder}");
                Devices.TuneFor(on, fixedSize: preprocessing.Crop > 0);
                var watch = Stopwatch.StartNew();
                void Failure(ImageFailure f) => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}");
                var result = CommandRunner.WithProgress($"search {files.Count} images", files.Count,
                    progress => InformativePatches.Find(model, files, wanted, k, preprocessing, r.GetValue(batch), Failure, progress, cancel, device: on));
                cancel.ThrowIfCancellationRequested();
                PatchMosaic.Save(r.GetValue(output)!, result, preprocessing, model.NumClasses, k,
                    model.Metadata.Classes is null ? null : Enumerable.Range(0, model.NumClasses).Select(c => $"{c} {model.ClassName(c)}").ToList());
                if (r.GetValue(csv) is { } csvPath) PatchMosaic.SaveCsv(csvPath, result);
                foreach (var c in wanted)
                {
                    var best = result.FromAllImages[c];
                    Console.WriteLine($"{c}\t{model.ClassName(c)}\tbest logit {(best.Count > 0 ? best[0].Logit.ToString("0.000") : "-")}" +
                        $"\t{result.FromClassImages[c].Count} patches from images of the class");
                }
                Console.Error.WriteLine($"texturebias: searched {result.Images} images" + (result.Skipped > 0 ? $", skipped {result.Skipped}" : "") +
                    $" in {watch.Elapsed.TotalSeconds:0.0} s; mosaic in {r.GetValue(output)}" + (r.GetValue(csv) is { } p ? $", patches in {p}" : ""));
                return result.Skipped > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
            }
        }));
        return command;
    }
}
