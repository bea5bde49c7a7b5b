using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using TextureBias.Comparison;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Models;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias compare-bagnet</c>: the BagNet paper's comparison of a BagNet with deep networks, as an HTML report.</summary>
internal static class CompareBagNetCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Image folder (ImageNet <wnid>/ folders, e.g. ImageNet/val)", Required = true };
        var bagnet = new Option<string>("--bagnet") { Description = "The BagNet: weight file or registered name (bagnet9, bagnet17, bagnet33)", Required = true };
        var models = new Option<string>("--models") { Description = "The deep networks: weight files or registered names, comma-separated (e.g. vgg16,resnet50,resnet152,densenet169)", Required = true };
        var arch = new Option<string?>("--arch") { Description = "The architecture of --models files that do not say it" };
        var output = new Option<string>("--out") { Description = "Results folder: report.html, figures/, results.json; interaction measurements are kept there, so a stopped run goes on", DefaultValueFactory = _ => "compare-bagnet" };
        var images = new Option<int>("--images") { Description = "Images for the error distribution and the masking, spread over the folder (0: all)", DefaultValueFactory = _ => 500 };
        var interactionImages = new Option<int>("--interaction-images") { Description = "Images for the interactions (the first of those)", DefaultValueFactory = _ => 50 };
        var patch = new Option<int>("--patch") { Description = "Side of the masked squares", DefaultValueFactory = _ => 33 };
        var steps = new Option<string>("--steps") { Description = "Masking: numbers of top squares masked", DefaultValueFactory = _ => "0,1,2,4,8,16,32" };
        var pairs = new Option<int>("--pairs") { Description = "Interactions: pairs of squares per image", DefaultValueFactory = _ => 50 };
        var fill = new Option<string>("--fill") { Description = "What masked squares show: zero (the mean colour), mean (the image's mean colour), blur", DefaultValueFactory = _ => "zero" };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing (0 keeps the size)", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side (0 for no crop)", DefaultValueFactory = _ => 224 };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 32 };
        var device = DeviceOption.Create();
        var command = new Command("compare-bagnet", "The BagNet paper's comparison: error distribution, feature sensitivity (masking) and interactions between image parts of deep networks against a BagNet, as an HTML report.")
        {
            data, bagnet, models, arch, output, images, interactionImages, patch, steps, pairs, fill, resize, crop, batch, device,
        };
        PathOptions.Declare(inputFolders: [data], outputFolders: [output]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            var geometry = CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop));
            Devices.TuneFor(on, fixedSize: geometry.Crop > 0);
            var fillKind = TextureBias.Attribution.AttributionNames.Parse(TextureBias.Attribution.AttributionNames.Baselines, r.GetValue(fill)!, "fill");
            var stepList = CommandRunner.Counts(r.GetValue(steps)!, "--steps", "squares");
            var options = new BagNetComparisonOptions
            {
                Images = Math.Max(0, r.GetValue(images)), InteractionImages = Math.Max(1, r.GetValue(interactionImages)), BatchSize = Math.Max(1, r.GetValue(batch)),
                Masking = new MaskingOptions { Patch = r.GetValue(patch), Steps = stepList, Fill = fillKind },
                Interactions = new InteractionOptions { Patch = r.GetValue(patch), PairsPerImage = r.GetValue(pairs), Fill = fillKind, KeepPairs = false },
            };
            options.Interactions.Validate();
            string dir = r.GetValue(output)!;
            var bag = ModelLoading.LoadBagNet(null, r.GetValue(bagnet)!, "compare-bagnet");
            var bagModel = new RobustnessModel(ModelLoading.WeightsName(r.GetValue(bagnet)!), bag, bag.Metadata.EvaluationOr(geometry));
            List<RobustnessModel> loaded;
            try { loaded = RobustnessModels.Load(r.GetValue(arch), r.GetValue(models), null, geometry); }
            catch { bag.Dispose(); throw; }
            try
            {
                var sources = new[] { r.GetValue(bagnet)! }.Concat(r.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
                var weights = new[] { bagModel }.Concat(loaded).Select((m, i) => (m.Name, Source: sources[i]))
                    .ToDictionary(x => x.Name, x => InteractionStore.WeightsIdentity(x.Source));
                Directory.CreateDirectory(dir);
                var result = CommandRunner.WithStages(BagNetComparison.Stages, report =>
                    BagNetComparison.Run(bagModel, loaded, r.GetValue(data)!, geometry, options, dir, report,
                        f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), cancel, weights, on));
                string html = Path.Combine(dir, "report.html");
                BagNetComparisonReport.Write(html, Path.Combine(dir, "figures"), result, options, r.GetValue(data)!);
                AtomicFile.WriteText(Path.Combine(dir, "results.json"), JsonSerializer.Serialize(new
                {
                    bagnet = result.BagNet,
                    errors = result.Errors.Select(e => new { model = e.Model, images = e.Result.Images, mean_logit_correlation = e.Result.Mean, top1_agreement = e.Result.Top1Agreement,
                        per_class_top1_r = e.Result.PerClass?.Top1R, per_class_top5_r = e.Result.PerClass?.Top5R }),
                    masking = result.Masking,
                    interactions = result.Interactions.Select(i => new { model = i.Model, images = i.Result.Images, bins = i.Result.Bins }),
                }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }));
                Console.WriteLine($"report: {html}");
                return CommandRunner.Ok;
            }
            finally
            {
                bag.Dispose();
                foreach (var m in loaded) m.Model.Dispose();
            }
        }));
        return command;
    }
}
