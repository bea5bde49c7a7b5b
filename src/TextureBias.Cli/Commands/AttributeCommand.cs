using System.CommandLine;
using System.Diagnostics;
using TextureBias.Attribution;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias attribute</c>: attribution heatmaps of any network (gradient × input, integrated gradients, DeepLIFT, occlusion, a BagNet's evidence).</summary>
internal static class AttributeCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)} (not needed with registered --weights or a known weight file)" };
        var weights = new Option<string?>("--weights") { Description = "Weight file, or a registered name (see classify)" };
        var images = new Option<string[]>("--image") { Description = "The image; several (--image a.png b.png) go to --out-dir", Required = true, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true };
        var classes = new Option<string?>("--class") { Description = "Class name, index or WNID; several separated by commas (default: each image's top-1 class)" };
        var method = new Option<string>("--method") { Description = string.Join("|", AttributionNames.Methods.Keys), DefaultValueFactory = _ => "integrated-gradients" };
        var baseline = new Option<string>("--baseline") { Description = "Reference input of integrated gradients, DeepLIFT and occlusion: zero (the network's zero input, the mean colour), blur, mean (the image's mean colour)", DefaultValueFactory = _ => "zero" };
        var sigma = new Option<double>("--blur-sigma") { Description = "Standard deviation in pixels of the blur baseline", DefaultValueFactory = _ => 10 };
        var steps = new Option<int>("--steps") { Description = "Integrated gradients: points on the path", DefaultValueFactory = _ => 50 };
        var rule = new Option<string>("--rule") { Description = "Integrated gradients: " + string.Join("|", AttributionNames.Rules.Keys), DefaultValueFactory = _ => "gausslegendre" };
        var window = new Option<int>("--window") { Description = "Occlusion: side of the square window in pixels", DefaultValueFactory = _ => 16 };
        var stride = new Option<int>("--stride") { Description = "Occlusion: step between windows in pixels", DefaultValueFactory = _ => 8 };
        var batch = new Option<int>("--batch") { Description = "Network inputs per forward pass (path points, occluded copies)", DefaultValueFactory = _ => 16 };
        var resize = new Option<int?>("--resize") { Description = "Shorter side after resizing (0 keeps the size; default: the checkpoint's, else 256)" };
        var crop = new Option<int?>("--crop") { Description = "Centre crop side (0 for no crop; default: the checkpoint's, else 224)" };
        var output = new Option<string?>("--out") { Description = "The figure (.png) of one image" };
        var npy = new Option<string?>("--npy") { Description = "The maps of one image as float32 .npy ([H,W] for one class, [C,H,W] for several)" };
        var outDir = new Option<string?>("--out-dir") { Description = "Several images: a figure <name>.png each in this folder" };
        var npyDir = new Option<string?>("--npy-dir") { Description = "Several images: the maps <name>.npy each in this folder" };
        var device = DeviceOption.Create();
        var command = new Command("attribute", "Attribution heatmap of any network for a class: gradient × input, integrated gradients, DeepLIFT (Rescale), occlusion, or a BagNet's patch evidence.")
        {
            arch, weights, images, classes, method, baseline, sigma, steps, rule, window, stride, batch, resize, crop, output, npy, outDir, npyDir, device,
        };
        PathOptions.Declare(inputFiles: [images], outputFiles: [output, npy], outputFolders: [outDir, npyDir]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            CommandRunner.CheckSizes(r.GetValue(resize), r.GetValue(crop));
            var kind = AttributionNames.Parse(AttributionNames.Methods, r.GetValue(method)!, "method");
            var options = new AttributionOptions
            {
                Baseline = AttributionNames.Parse(AttributionNames.Baselines, r.GetValue(baseline)!, "baseline"),
                BlurSigma = r.GetValue(sigma),
                Steps = r.GetValue(steps),
                Rule = AttributionNames.Parse(AttributionNames.Rules, r.GetValue(rule)!, "integration rule"),
                Window = r.GetValue(window),
                Stride = r.GetValue(stride),
                BatchSize = r.GetValue(batch),
            };
            if (options.Steps < 1) throw new TextureBiasException("--steps must be at least 1");
            if (options.BatchSize < 1) throw new TextureBiasException("--batch must be at least 1");
            if (!(options.BlurSigma > 0)) throw new TextureBiasException("--blur-sigma must be positive");
            var files = r.GetValue(images)!;
            bool many = files.Length > 1;
            if (many && (r.GetValue(output) ?? r.GetValue(npy)) is not null) throw new TextureBiasException("several images: give --out-dir (and --npy-dir), not --out/--npy");
            if (!many && (r.GetValue(outDir) ?? r.GetValue(npyDir)) is not null) throw new TextureBiasException("one image: give --out (and --npy), not --out-dir/--npy-dir");
            if ((many ? r.GetValue(outDir) : r.GetValue(output)) is null) throw new TextureBiasException(many ? "give --out-dir FOLDER for the figures" : "give --out FIGURE.png");
            var targets = many ? OutputNames(files, r.GetValue(outDir)!, r.GetValue(npyDir)) : [(files[0], r.GetValue(output)!, r.GetValue(npy))];
            using var model = ModelLoading.Load(r.GetValue(arch), r.GetValue(weights));
            var preprocessing = CommandRunner.Preprocessing(model, r.GetValue(resize), r.GetValue(crop), Preprocessing.ImageNetEval);
            Devices.TuneFor(on, fixedSize: preprocessing.Crop > 0);
            var wanted = r.GetValue(classes)?.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(model.ParseClass).ToList();
            int failed = 0;
            foreach (var (file, png, values) in targets)
            {
                cancel.ThrowIfCancellationRequested();
                RgbImage picture;
                try { picture = ImageDecoder.Decode(file); }
                catch (ImageDecodeException e) when (many)
                {
                    Console.Error.WriteLine($"texturebias: skipped {file}: {e.Reason}");
                    failed++;
                    continue;
                }
                var watch = Stopwatch.StartNew();
                using var maps = AttributionMaps.Compute(model, picture, preprocessing, wanted, kind, options, on);
                if (values is not null)
                {
                    using var saved = maps.Classes.Count == 1 ? maps.Maps[0] : maps.Maps.alias();
                    Npy.Save(values, saved);
                }
                HeatmapFigure.Save(png, maps.Image, maps.Maps, maps.Titles(model), Caption(model, kind, options));
                foreach (var (k, i) in maps.Classes.Select((k, i) => (k, i)))
                {
                    using var m = maps.Maps[i];
                    Console.WriteLine($"{file}\t{k}\t{model.ClassName(k)}\tlogit {maps.Logits[k]:0.000}\tsum of attributions {m.sum().item<float>():0.000}");
                }
                Console.Error.WriteLine($"texturebias: {AttributionNames.Of(kind)} map{(maps.Classes.Count == 1 ? "" : "s")} of {file} in {watch.Elapsed.TotalSeconds:0.0} s; figure in {png}" +
                    (values is null ? "" : $", values in {values}"));
            }
            return failed > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
        }));
        return command;
    }

    static string Caption(ImageClassifier model, AttributionMethod method, AttributionOptions o) => method switch
    {
        AttributionMethod.GradientInput => $"{model.Architecture}: gradient × input, summed over colour channels",
        AttributionMethod.IntegratedGradients => $"{model.Architecture}: integrated gradients ({o.Steps} steps, {AttributionNames.Rules.First(r => r.Value == o.Rule).Key}, {Baseline(o)} baseline)",
        AttributionMethod.DeepLift => $"{model.Architecture}: DeepLIFT, Rescale rule ({Baseline(o)} baseline)",
        AttributionMethod.Occlusion => $"{model.Architecture}: occlusion, logit drop when a {o.Window}×{o.Window} window (stride {o.Stride}) is replaced by the {Baseline(o)} baseline",
        _ => $"{model.Architecture}: logit of the patch centred on each pixel",
    } + $"; colours at the {HeatmapFigure.Percentile:0}th percentile of |value|";

    static string Baseline(AttributionOptions o) =>
        o.Baseline == AttributionBaseline.Blur ? $"blur σ {o.BlurSigma:0.#}" : AttributionNames.Baselines.First(b => b.Value == o.Baseline).Key;

    /// <summary>For several images: &lt;out&gt;/&lt;name&gt;.png (and .npy), names made unique.</summary>
    static List<(string File, string Png, string? Npy)> OutputNames(string[] files, string output, string? npy)
    {
        Directory.CreateDirectory(output);
        if (npy is not null) Directory.CreateDirectory(npy);
        var stems = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(string, string, string?)>();
        foreach (var file in files)
        {
            string stem = Path.GetFileNameWithoutExtension(file), name = stem;
            for (int k = 2; !stems.Add(name); k++) name = $"{stem}-{k}";
            result.Add((file, Path.Combine(output, name + ".png"), npy is null ? null : Path.Combine(npy, name + ".npy")));
        }
        return result;
    }
}
