using System.CommandLine;
using System.Diagnostics;
using TextureBias.Imaging;
using TextureBias.Style;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias texturize</c>: Gatys et al.'s Gram-matrix texture synthesis of an image or a folder.</summary>
internal static class TexturizeCommand
{
    public static Command Create()
    {
        var d = new TextureSynthesisOptions();
        var vgg = new Option<string>("--vgg") { Description = "vgg_normalised.pth (VGG-19; all its layers are usable), or the registered name vgg_normalised", Required = true };
        var image = new Option<string?>("--image") { Description = "The source image (single-image mode)" };
        var output = new Option<string?>("--out") { Description = "The texturised image (.png, .jpg or .webp)" };
        var data = new Option<string?>("--data") { Description = "Folder mode: source images (walked recursively)" };
        var outDir = new Option<string?>("--out-dir") { Description = "Folder mode: output folder (mirrors --data; PNGs with the same stems)" };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => d.Size, Description = "Side of the square output (the source is resized and centre-cropped; 0 keeps its size); at least 17 for relu5_x, 9 for relu4_x" };
        var iters = new Option<int>("--iters") { DefaultValueFactory = _ => d.Iterations, Description = "L-BFGS iterations (loss evaluations)" };
        var layers = new Option<string>("--layers") { DefaultValueFactory = _ => string.Join(",", d.Layers), Description = "VGG-19 layers whose Gram matrices are matched (relu1_1 … relu5_4)" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of the starting noise" };
        var losses = new Option<string?>("--losses") { Description = "Single-image mode: write the loss curve (iteration,loss) to this CSV" };
        var device = DeviceOption.Create();
        var command = new Command("texturize",
            "Synthesise a texture of an image by matching the Gram matrices of its VGG-19 features (Gatys et al. 2015): its local statistics without its layout.")
        {
            vgg, image, output, data, outDir, size, iters, layers, seed, losses, device,
        };
        PathOptions.Declare(inputFiles: [image], inputFolders: [data], outputFiles: [output, losses], outputFolders: [outDir]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            var options = new TextureSynthesisOptions
            {
                Size = r.GetValue(size), Iterations = r.GetValue(iters), Seed = r.GetValue(seed),
                Layers = r.GetValue(layers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            TextureSynthesis.CheckOptions(options); // layers, --size and --iters checked before the weights load
            bool folder = r.GetValue(data) is not null || r.GetValue(outDir) is not null;
            if (folder && (r.GetValue(data) is null || r.GetValue(outDir) is null)) throw new TextureBiasException("folder mode needs --data and --out-dir");
            if (!folder && (r.GetValue(image) is null || r.GetValue(output) is null)) throw new TextureBiasException("give --image and --out (one image), or --data and --out-dir (a folder)");
            if (!folder && ImageEncoder.FormatOf(r.GetValue(output)!) is null) throw new TextureBiasException($"{r.GetValue(output)}: the output must be .png, .jpg or .webp");
            using var encoder = VggEncoder.Load(ZooAccess.Resolve(r.GetValue(vgg)!, TextureBias.Models.Zoo.WeightKind.AdaInEncoder));
            if (!folder)
            {
                var source = ImageDecoder.Decode(r.GetValue(image)!);
                if (TextureSynthesis.SizeProblem(source, options) is { } problem) throw new TextureBiasException($"{r.GetValue(image)}: {problem}");
                var watch = Stopwatch.StartNew();
                var curve = new List<(int, double)>();
                double last = double.NaN;
                var result = CommandRunner.WithLossBar($"texturize {Path.GetFileName(r.GetValue(image))}", options.Iterations,
                    report => TextureSynthesis.Synthesize(encoder, source, options, (i, loss) => { last = loss; curve.Add((i, loss)); report?.Invoke(i, options.Iterations, loss); }, cancel, on));
                ImageEncoder.Save(r.GetValue(output)!, result, ImageEncoder.FormatOf(r.GetValue(output)!)!.Value);
                if (r.GetValue(losses) is { } csv) CommandRunner.WriteLosses(csv, curve);
                Console.WriteLine($"{r.GetValue(output)}\tloss {last:G4}\t{watch.Elapsed.TotalSeconds:0.0} s");
                return CommandRunner.Ok;
            }
            var summary = CommandRunner.WithLossBar("texturize", 1, report => TextureSynthesis.RunFolder(encoder, r.GetValue(data)!, r.GetValue(outDir)!, options,
                f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"),
                (done, total, _, loss) => report?.Invoke(done, total, loss), cancel, on));
            Console.WriteLine($"texturised {summary.Written} images, {summary.AlreadyDone} already done, {summary.Skipped} skipped" +
                (summary.Skipped > 0 ? $" (listed in {summary.SkippedList})" : ""));
            return summary.Skipped > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
        }));
        return command;
    }
}
