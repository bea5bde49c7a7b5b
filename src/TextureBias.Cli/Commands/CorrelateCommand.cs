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
        var json = new Option<bool>("--json") { Description = "Print JSON (with each image's correlation)" };
        var command = new Command("correlate", "Pearson correlation of two models' logits on each image, and their top-1 agreement (BagNet vs VGG in the BagNet paper).")
        {
            archA, weightsA, archB, weightsB, data, resize, crop, json,
        };
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var files = ImageFiles.Find(new[] { r.GetValue(data)! });
            if (files.Count == 0) throw new TextureBiasException($"no images in {r.GetValue(data)}");
            using var a = ModelLoading.Load(r.GetValue(archA), r.GetValue(weightsA));
            using var b = ModelLoading.Load(r.GetValue(archB), r.GetValue(weightsB));
            var result = CommandRunner.WithProgress("two models", 2 * files.Count, progress =>
                LogitCorrelation.Compare(a, b, files, CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop)), 16,
                    f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), cancel, progress));
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    images = result.Images, mean = result.Mean, median = result.Median, histogram = result.Histogram, top1_agreement = result.Top1Agreement,
                    per_image = result.PerImage.Select(p => new { path = p.Path, r = p.R }),
                }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            else
            {
                Console.WriteLine($"{result.Images} images: mean correlation {result.Mean:0.000}, median {result.Median:0.000}, top-1 agreement {100 * result.Top1Agreement:0.0}%");
                for (int i = 0; i < 20; i++)
                    if (result.Histogram[i] > 0) Console.WriteLine($"  r in [{-1 + 0.1 * i:0.0}, {-0.9 + 0.1 * i:0.0}): {result.Histogram[i]}");
            }
            return CommandRunner.Ok;
        }));
        return command;
    }
}
