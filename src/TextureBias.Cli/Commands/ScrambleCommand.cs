using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Models;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias scramble</c>: accuracy on images whose n×n blocks are shuffled.</summary>
internal static class ScrambleCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)} (not needed with registered --weights or a known weight file)" };
        var weights = new Option<string?>("--weights") { Description = "Weight file, or a registered name (see classify)" };
        var data = new Option<string>("--data") { Description = "Image folder in the ImageFolder layout", Required = true };
        var grid = new Option<string>("--grid") { Description = "Grid sizes n (n×n blocks), comma-separated", DefaultValueFactory = _ => "1,2,4,8" };
        var seed = new Option<int>("--seed") { Description = "Seed of the shuffles", DefaultValueFactory = _ => 0 };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing (0 keeps the size)", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side (0 for no crop)", DefaultValueFactory = _ => 224 };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 32 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var plot = new Option<string?>("--plot") { Description = "Plot accuracy over the grid sizes (PNG)" };
        var method = new Option<string>("--method") { Description = "blocks (n×n shuffled blocks) or texture (Gatys texturised images; needs --vgg)", DefaultValueFactory = _ => "blocks" };
        var vgg = new Option<string?>("--vgg") { Description = "texture: vgg_normalised.pth, or the registered name vgg_normalised" };
        var iters = new Option<int>("--iters") { Description = "texture: L-BFGS iterations per image", DefaultValueFactory = _ => new TextureBias.Style.TextureSynthesisOptions().Iterations };
        var layers = new Option<string>("--layers") { Description = "texture: VGG-19 layers of the Gram loss", DefaultValueFactory = _ => string.Join(",", TextureBias.Style.TextureSynthesisOptions.DefaultLayers) };
        var cacheDir = new Option<string?>("--cache") { Description = "texture: where texturised copies are kept (default: ~/.cache/texturebias/textures)" };
        var device = DeviceOption.Create();
        var command = new Command("scramble", "Top-1/top-5 on images cut into n×n blocks and shuffled (BagNet paper), for each n; or on their Gram-matrix textures (--method texture).")
        {
            arch, weights, data, grid, seed, resize, crop, batch, json, plot, method, vgg, iters, layers, cacheDir, device,
        };
        PathOptions.Declare(inputFolders: [data], outputFiles: [plot], outputFolders: [cacheDir]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            Devices.TuneFor(on, fixedSize: r.GetValue(crop) > 0);
            if (r.GetValue(method) == "texture") return RunTexture(r, arch, weights, data, resize, crop, batch, json, seed, vgg, iters, layers, cacheDir, on, cancel);
            if (r.GetValue(method) != "blocks") throw new TextureBiasException($"--method must be blocks or texture, not {r.GetValue(method)}");
            var grids = r.GetValue(grid)!.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(g => int.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new TextureBiasException($"--grid: '{g}' is not a positive number")).ToList();
            var folder = ImageFolder.Open(new[] { r.GetValue(data)! });
            using var model = ModelLoading.Load(r.GetValue(arch), r.GetValue(weights));
            var pre = CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop));
            var rows = new List<object>();
            var top1 = new List<double>();
            var top5 = new List<double>();
            foreach (var n in grids)
            {
                var result = CommandRunner.WithProgress($"{n}x{n} grid", folder.Samples.Count, progress => Scrambling.Evaluate(model, folder, pre, n, r.GetValue(seed), Math.Max(1, r.GetValue(batch)),
                    f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), cancel, progress, on));
                top1.Add(result.Top1);
                top5.Add(result.Top5);
                rows.Add(new { grid = n, top1 = result.Top1, top5 = result.Top5, images = result.Images });
                if (!r.GetValue(json)) Console.WriteLine($"{n}x{n}: top-1 {result.Top1:0.00}%  top-5 {result.Top5:0.00}%  ({result.Images} images)");
            }
            if (r.GetValue(plot) is { } png)
                TextureBias.Reports.AccuracyPlot.Save(png, $"{model.Architecture} on scrambled images", "grid (n×n blocks)", grids.Select(g => $"{g}x{g}").ToList(), top1, top5);
            if (r.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(rows));
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static int RunTexture(ParseResult r, Option<string?> arch, Option<string?> weights, Option<string> data, Option<int> resize, Option<int> crop,
        Option<int> batch, Option<bool> json, Option<int> seed, Option<string?> vgg, Option<int> iters, Option<string> layers, Option<string?> cacheDir,
        TorchSharp.torch.Device device, CancellationToken cancel)
    {
        string vggName = r.GetValue(vgg) ?? throw new TextureBiasException("--method texture needs --vgg (vgg_normalised.pth, or the registered name vgg_normalised)");
        var options = new TextureBias.Style.TextureSynthesisOptions
        {
            Iterations = r.GetValue(iters), Seed = r.GetValue(seed),
            Layers = r.GetValue(layers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        var pre = CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop));
        TexturisedImages.CheckOptions(pre, options); // layers, iterations and sizes before any work
        string vggPath = ZooAccess.Resolve(vggName, TextureBias.Models.Zoo.WeightKind.AdaInEncoder, cancel);
        var folder = ImageFolder.Open(new[] { r.GetValue(data)! });
        using var model = ModelLoading.Load(r.GetValue(arch), r.GetValue(weights));
        using var encoder = TextureBias.Style.VggEncoder.Load(vggPath);
        string cache = r.GetValue(cacheDir) ?? TexturisedImages.DefaultCache;
        var result = CommandRunner.WithProgress("texturise", folder.Samples.Count, progress => TexturisedImages.Evaluate(model, folder, pre, encoder,
            TexturisedImages.WeightsKey(vggPath), options, cache, Math.Max(1, r.GetValue(batch)), f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"),
            progress is null ? null : (done, _) => progress(done), cancel, device)); // textures and the model on the device
        if (r.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(new { method = "texture", top1 = result.Top1, top5 = result.Top5, images = result.Images }));
        else Console.WriteLine($"texturised: top-1 {result.Top1:0.00}%  top-5 {result.Top5:0.00}%  ({result.Images} images; textures cached in {cache})");
        return result.Skipped > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
    }
}
