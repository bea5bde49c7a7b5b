using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TextureBias.Data;
using TextureBias.Imaging;
using Spectre.Console;
using TextureBias.Style;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias stylize</c>: AdaIN style transfer of an image (pytorch-AdaIN's test.py).</summary>
internal static class StylizeCommand
{
    public static Command Create()
    {
        var vgg = new Option<string>("--vgg") { Description = "vgg_normalised.pth (the encoder), or the registered name vgg_normalised (fetched on first use)", Required = true };
        var decoder = new Option<string>("--decoder") { Description = "decoder.pth, or the registered name decoder", Required = true };
        var content = new Option<string?>("--content") { Description = "The content image (single-image mode)" };
        var styles = new Option<string[]>("--style") { Description = "A style image; repeat for several (single-image mode)", Arity = ArgumentArity.ZeroOrMore };
        var weights = new Option<string?>("--style-weights") { Description = "Weights of several styles, comma-separated (normalised to sum 1; default equal)" };
        var alpha = new Option<double>("--alpha") { Description = "Content–style trade-off in [0, 1]", DefaultValueFactory = _ => 1.0 };
        var contentSize = new Option<int?>("--content-size") { Description = "Shorter side of the content, 0 keeps the size (default 512; dataset mode: 0, and the sin recipe fixes 256 + crop 224)" };
        var styleSize = new Option<int?>("--style-size") { Description = "Shorter side of the styles, 0 keeps the size (default 512; the sin recipe fixes 224 squares)" };
        var crop = new Option<bool>("--crop") { Description = "Centre-crop content and styles to their sizes" };
        var preserve = new Option<bool>("--preserve-color") { Description = "Keep the content's colours" };
        var output = new Option<string?>("--out") { Description = "Output image (.png, .jpg or .webp) (single-image mode)" };
        var contentDir = new Option<string?>("--content-dir") { Description = "Dataset mode: folder of content images (walked recursively)" };
        var styleDir = new Option<string?>("--style-dir") { Description = "Dataset mode: folder of style images" };
        var outDir = new Option<string?>("--out-dir") { Description = "Dataset mode: output folder (mirrors the content folders)" };
        var recipe = new Option<string>("--recipe") { Description = "Dataset mode: sin (Stylized-ImageNet) or stylize-datasets", DefaultValueFactory = _ => "sin" };
        var seed = new Option<int>("--seed") { Description = "Dataset mode: seed of the style choice", DefaultValueFactory = _ => 49809 };
        var numStyles = new Option<int>("--num-styles") { Description = "Dataset mode: styles (outputs) per content image", DefaultValueFactory = _ => 1 };
        var format = new Option<string?>("--format") { Description = "Dataset mode: png or jpg (default: png for sin, the content's format for stylize-datasets)" };
        var shard = new Option<string>("--shard") { Description = "Dataset mode: this job's part k/N (1 ≤ k ≤ N); N jobs together give the single-job output", DefaultValueFactory = _ => "1/1" };
        var workers = new Option<int>("--workers") { Description = "Dataset mode: decoding/encoding threads (0: one per core)", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch") { Description = "Dataset mode: content images per forward pass", DefaultValueFactory = _ => 8 };
        var cache = new Option<string?>("--style-cache") { Description = "Dataset mode: cache of style statistics (default: <out-dir>/.style-cache); share it between shards" };
        var device = DeviceOption.Create();
        var amp = AmpOption.Create();
        var command = new Command("stylize", "AdaIN style transfer of an image (--content/--style/--out) or of a whole dataset (--content-dir/--style-dir/--out-dir).")
        {
            vgg, decoder, content, styles, weights, alpha, contentSize, styleSize, crop, preserve, output,
            contentDir, styleDir, outDir, recipe, seed, numStyles, format, shard, workers, batch, cache, device, amp,
        };
        PathOptions.Declare(inputFiles: [content, styles], inputFolders: [contentDir, styleDir], outputFiles: [output], outputFolders: [outDir, cache]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            var precision = AmpOption.Parse(r.GetValue(amp));
            if (r.GetValue(contentDir) is not null || r.GetValue(styleDir) is not null || r.GetValue(outDir) is not null)
                return RunDataset(r, vgg, decoder, contentDir, styleDir, outDir, recipe, seed, numStyles, alpha, format, shard, workers, batch, cache,
                    r.GetValue(contentSize) ?? 0, r.GetValue(styleSize) ?? 512, on, precision, cancel);
            if (r.GetValue(content) is null || r.GetValue(styles) is not { Length: > 0 } || r.GetValue(output) is null)
                throw new TextureBiasException("give --content, --style and --out (one image), or --content-dir, --style-dir and --out-dir (a dataset)");
            StyleTransfer.CheckSize("--content-size", r.GetValue(contentSize) ?? 512);
            StyleTransfer.CheckSize("--style-size", r.GetValue(styleSize) ?? 512);
            var styleWeights = r.GetValue(weights)?.Split(',').Select(w => double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                ? x : throw new TextureBiasException($"--style-weights: '{w}' is not a number")).ToList();
            var options = new StyleOptions
            {
                ContentSize = r.GetValue(contentSize) ?? 512,
                StyleSize = r.GetValue(styleSize) ?? 512,
                Crop = r.GetValue(crop),
                Alpha = r.GetValue(alpha),
                StyleWeights = styleWeights,
                PreserveColor = r.GetValue(preserve),
            };
            var outPath = r.GetValue(output)!;
            var outFormat = ImageEncoder.FormatOf(outPath)
                ?? throw new TextureBiasException($"--out: cannot write '{Path.GetExtension(outPath)}' images (use .png, .jpg or .webp)");
            var contentImage = ImageDecoder.Decode(r.GetValue(content)!);
            if (StyleTransfer.SizeProblem(contentImage, options.ContentSize) is { } problem) throw new TextureBiasException($"{r.GetValue(content)}: {problem}");
            var styleImages = r.GetValue(styles)!.Select(p =>
            {
                var image = ImageDecoder.Decode(p);
                return StyleTransfer.SizeProblem(image, options.StyleSize) is { } reason ? throw new TextureBiasException($"{p}: {reason}") : image;
            }).ToList();
            using var transfer = StyleTransfer.Load(ZooAccess.Resolve(r.GetValue(vgg)!, TextureBias.Models.Zoo.WeightKind.AdaInEncoder), ZooAccess.Resolve(r.GetValue(decoder)!, TextureBias.Models.Zoo.WeightKind.AdaInDecoder), on, precision);
            var watch = Stopwatch.StartNew();
            var result = transfer.Stylize(contentImage, styleImages, options);
            ImageEncoder.Save(outPath, result, outFormat);
            Console.Error.WriteLine($"texturebias: {result.Width}x{result.Height} image in {watch.Elapsed.TotalSeconds:0.0} s: {outPath}");
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static int RunDataset(ParseResult r, Option<string> vgg, Option<string> decoder, Option<string?> contentDir, Option<string?> styleDir,
        Option<string?> outDir, Option<string> recipe, Option<int> seed, Option<int> numStyles, Option<double> alpha, Option<string?> format,
        Option<string> shard, Option<int> workers, Option<int> batch, Option<string?> cache, int contentSize, int styleSize,
        TorchSharp.torch.Device device, TextureBias.Models.Precision precision, CancellationToken cancel)
    {
        if (r.GetValue(contentDir) is not { } cDir || r.GetValue(styleDir) is not { } sDir || r.GetValue(outDir) is not { } oDir)
            throw new TextureBiasException("dataset mode needs --content-dir, --style-dir and --out-dir");
        var parts = r.GetValue(shard)!.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int k) || !int.TryParse(parts[1], out int n))
            throw new TextureBiasException($"--shard '{r.GetValue(shard)}' is not k/N");
        var options = new DatasetStylizeOptions
        {
            Recipe = r.GetValue(recipe) switch
            {
                "sin" => StyleRecipe.Sin,
                "stylize-datasets" => StyleRecipe.StylizeDatasets,
                var x => throw new TextureBiasException($"--recipe '{x}' is not sin or stylize-datasets"),
            },
            Seed = r.GetValue(seed),
            NumStyles = r.GetValue(numStyles),
            Alpha = r.GetValue(alpha),
            Format = r.GetValue(format),
            ShardIndex = k,
            ShardCount = n,
            Workers = r.GetValue(workers),
            Batch = Math.Max(1, r.GetValue(batch)),
            StyleCache = r.GetValue(cache),
            ContentSize = contentSize,
            StyleSize = styleSize,
        };
        if (options.Alpha < 0 || options.Alpha > 1) throw new TextureBiasException("--alpha must be in [0, 1]");
        if (contentSize < 0 || styleSize < 0) throw new TextureBiasException("sizes must be 0 (keep) or positive");
        DatasetStylizer.CheckOptions(options); // before the weights load
        using var transfer = StyleTransfer.Load(ZooAccess.Resolve(r.GetValue(vgg)!, TextureBias.Models.Zoo.WeightKind.AdaInEncoder), ZooAccess.Resolve(r.GetValue(decoder)!, TextureBias.Models.Zoo.WeightKind.AdaInDecoder), device, precision);
        var watch = Stopwatch.StartNew();
        DatasetStylizeReport? report = null;
        static void Skipped(ImageFailure f) => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}");
        if (!Console.IsErrorRedirected)
            CommandRunner.Error.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"stylize (shard {k}/{n})");
                    var clock = Stopwatch.StartNew();
                    int first = -1;
                    report = DatasetStylizer.Run(transfer, cDir, sDir, oDir, options, (done, total) =>
                    {
                        task.MaxValue = Math.Max(1, total);
                        task.Value = done;
                        if (first < 0) first = done; // images already there when the job started
                        double rate = (done - first) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                        task.Description = $"stylize (shard {k}/{n}) {rate:0.00} images/s";
                    }, null, cancel, Skipped);
                });
        else
            report = DatasetStylizer.Run(transfer, cDir, sDir, oDir, options, null, null, cancel, Skipped);
        Console.Error.WriteLine($"texturebias: {report!.Written} images written, {report.AlreadyDone} already there, {report.Skipped} skipped " +
            $"({report.Styles} styles, {report.ExcludedStyles} excluded) in {watch.Elapsed.TotalSeconds:0.0} s; manifest {report.Manifest}, skipped inputs {report.SkippedList}");
        return report.Skipped > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
    }
}
