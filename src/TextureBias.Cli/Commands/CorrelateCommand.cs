using System.CommandLine;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Models;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias correlate</c>: per-image correlation of two models' logits.</summary>
internal static class CorrelateCommand
{
    public static Command Create()
    {
        var archA = new Option<string?>("--arch-a") { Description = "First architecture (not needed with registered weights or a known weight file)" };
        var weightsA = new Option<string?>("--weights-a") { Description = "Its weights: a file or a registered name" };
        var archB = new Option<string?>("--arch-b") { Description = "Second architecture" };
        var weightsB = new Option<string?>("--weights-b") { Description = "Its weights: a file or a registered name" };
        var data = new Option<string>("--data") { Description = "Images (files are found recursively)", Required = true };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing (0 keeps the size)", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side (0 for no crop)", DefaultValueFactory = _ => 224 };
        var json = new Option<bool>("--json") { Description = "Print JSON (with each image's correlation, and each class's accuracy)" };
        var scatter = new Option<string?>("--scatter") { Description = "Per-class accuracy figure (.png): one dot per class, model A on x, model B on y (needs class folders both models know)" };
        var perClassOut = new Option<string?>("--per-class-out") { Description = "Per-class top-1 and top-5 accuracy of both models as CSV (needs class folders both models know)" };
        var device = DeviceOption.Create();
        var command = new Command("correlate", "Pearson correlation of two models' logits on each image, their top-1 agreement, and on class folders their per-class accuracy (BagNet vs VGG in the BagNet paper).")
        {
            archA, weightsA, archB, weightsB, data, resize, crop, json, scatter, perClassOut, device,
        };
        PathOptions.Declare(outputFiles: [scatter, perClassOut], inputFolders: [data]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            Devices.TuneFor(on, fixedSize: r.GetValue(crop) > 0);
            var files = ImageFiles.Find(new[] { r.GetValue(data)! });
            if (files.Count == 0) throw new TextureBiasException($"no images in {r.GetValue(data)}");
            using var a = ModelLoading.Load(r.GetValue(archA), r.GetValue(weightsA));
            using var b = ModelLoading.Load(r.GetValue(archB), r.GetValue(weightsB));
            string nameA = ModelLoading.Label(a.Architecture, r.GetValue(weightsA)), nameB = ModelLoading.Label(b.Architecture, r.GetValue(weightsB));
            if (nameA == nameB) (nameA, nameB) = (nameA + " (A)", nameB + " (B)");
            var folder = ClassFolder(r.GetValue(data)!, a, b, r.GetValue(scatter) is not null || r.GetValue(perClassOut) is not null);
            var result = CommandRunner.WithProgress("two models", 2 * files.Count, progress =>
                LogitCorrelation.Compare(a, b, files, CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop)), 16,
                    f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), cancel, progress, folder, on));
            var perClass = result.PerClass;
            if (perClass is not null && r.GetValue(perClassOut) is { } csv) AtomicFile.WriteText(csv, perClass.Csv());
            if (perClass is not null && r.GetValue(scatter) is { } png) Reports.ClassAccuracyScatter.Save(png, perClass, nameA, nameB);
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    images = result.Images, mean = result.Mean, median = result.Median, histogram = result.Histogram, top1_agreement = result.Top1Agreement,
                    per_image = result.PerImage.Select(p => new { path = p.Path, r = p.R }),
                    per_class = perClass is null ? null : new
                    {
                        model_a = nameA, model_b = nameB, classes = perClass.Classes.Count(c => c.Images > 0), images = perClass.Images,
                        top1_r = perClass.Top1R, top5_r = perClass.Top5R,
                        top1_a = perClass.Top1A, top5_a = perClass.Top5A, top1_b = perClass.Top1B, top5_b = perClass.Top5B,
                        rows = perClass.Classes.Select(c => new
                        {
                            @class = c.Class, index_a = c.IndexA, index_b = c.IndexB, images = c.Images,
                            top1_a = c.Top1A, top5_a = c.Top5A, top1_b = c.Top1B, top5_b = c.Top5B,
                        }),
                    },
                }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            else
            {
                Console.WriteLine($"{result.Images} images: mean correlation {result.Mean:0.000}, median {result.Median:0.000}, top-1 agreement {100 * result.Top1Agreement:0.0}%");
                for (int i = 0; i < 20; i++)
                    if (result.Histogram[i] > 0) Console.WriteLine($"  r in [{-1 + 0.1 * i:0.0}, {-0.9 + 0.1 * i:0.0}): {result.Histogram[i]}");
                if (perClass is not null)
                {
                    Console.WriteLine($"per class ({perClass.Classes.Count(c => c.Images > 0)} classes, {perClass.Images} images): " +
                        $"top-1 {100 * perClass.Top1A:0.0}% ({nameA}) vs {100 * perClass.Top1B:0.0}% ({nameB}), r across classes {R(perClass.Top1R)}; " +
                        $"top-5 {100 * perClass.Top5A:0.0}% vs {100 * perClass.Top5B:0.0}%, r {R(perClass.Top5R)}");
                }
            }
            if (perClass is not null && (r.GetValue(scatter) ?? r.GetValue(perClassOut)) is not null)
                Console.Error.WriteLine("texturebias: per-class accuracy written to " +
                    string.Join(" and ", new[] { r.GetValue(scatter), r.GetValue(perClassOut) }.Where(p => p is not null)));
            return CommandRunner.Ok;
        }));
        return command;
    }

    static string R(double r) => double.IsNaN(r) ? "n/a (one model scores every class alike)" : r.ToString("0.000");

    /// <summary>
    /// The ImageFolder of <paramref name="data"/> when its class folders are classes both models know (WNIDs for 1000-output models,
    /// or the names their checkpoints record), else null; with <paramref name="required"/> (a per-class output was asked for) an error saying why not.
    /// </summary>
    static ImageFolder? ClassFolder(string data, ImageClassifier a, ImageClassifier b, bool required)
    {
        if (FolderWalker.Subfolders(data).Count == 0)
            return required ? throw new TextureBiasException($"{data}: per-class accuracy needs class folders (ImageFolder layout: DATA/<class>/<image>)") : null;
        var folder = ImageFolder.Open([data]);
        foreach (var model in new[] { a, b })
        {
            if (folder.KnownModelIndices(model.NumClasses, model.Metadata.Classes) is not null) continue;
            if (required)
                throw new TextureBiasException($"{data}: its class folders ({string.Join(", ", folder.Classes.Take(5))}{(folder.Classes.Count > 5 ? ", …" : "")}) are not classes {model.Architecture} knows " +
                    "(ImageNet WNIDs for a 1000-class network, or the class names its checkpoint records), so per-class accuracy cannot be scored");
            return null;
        }
        return folder;
    }
}
