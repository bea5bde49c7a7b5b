using System.CommandLine;
using System.Diagnostics;
using TextureBias.Imaging;
using TextureBias.Style;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias style-transfer</c> and <c>texturebias cue-conflict</c>: Gatys et al.'s iterative style transfer.</summary>
internal static class StyleTransferCommand
{
    private sealed record Shared(Option<string> Vgg, Option<int> Size, Option<int> Iters, Option<string> ContentLayer, Option<string> StyleLayers,
        Option<double> StyleWeight, Option<double> ContentWeight, Option<bool> FromNoise, Option<int> Seed, Option<string> Device)
    {
        public IEnumerable<Option> All => new Option[] { Vgg, Size, Iters, ContentLayer, StyleLayers, StyleWeight, ContentWeight, FromNoise, Seed, Device };

        /// <summary>The device --device names (one line and exit code 2 when CUDA is absent).</summary>
        public TorchSharp.torch.Device ReadDevice(ParseResult r) => DeviceOption.Parse(r.GetValue(Device));

        public IterativeStyleOptions Read(ParseResult r)
        {
            var options = new IterativeStyleOptions
            {
                Size = r.GetValue(Size), Iterations = r.GetValue(Iters), ContentLayer = r.GetValue(ContentLayer)!,
                StyleLayers = r.GetValue(StyleLayers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                StyleWeight = r.GetValue(StyleWeight), ContentWeight = r.GetValue(ContentWeight), StartFromContent = !r.GetValue(FromNoise), Seed = r.GetValue(Seed),
            };
            IterativeStyleTransfer.CheckOptions(options); // layers, --size and --iters checked before the weights load
            return options;
        }
    }

    private static Shared Options(int defaultSize)
    {
        var d = new IterativeStyleOptions();
        return new Shared(
            new Option<string>("--vgg") { Description = "vgg_normalised.pth (VGG-19), or the registered name vgg_normalised", Required = true },
            new Option<int>("--size") { DefaultValueFactory = _ => defaultSize, Description = "Shorter side of content and style (0 keeps their sizes)" },
            new Option<int>("--iters") { DefaultValueFactory = _ => d.Iterations, Description = "L-BFGS iterations (loss evaluations)" },
            new Option<string>("--content-layer") { DefaultValueFactory = _ => d.ContentLayer, Description = "Layer of the content loss" },
            new Option<string>("--style-layers") { DefaultValueFactory = _ => string.Join(",", d.StyleLayers), Description = "Layers of the Gram (style) loss" },
            new Option<double>("--style-weight") { DefaultValueFactory = _ => d.StyleWeight, Description = "Multiplies the style loss (layer weights 1000/C², Gatys' defaults)" },
            new Option<double>("--content-weight") { DefaultValueFactory = _ => d.ContentWeight, Description = "Weight of the content loss" },
            new Option<bool>("--from-noise") { Description = "Start from noise instead of the content image" },
            new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of the starting noise" },
            DeviceOption.Create());
    }

    public static Command Create()
    {
        var shared = Options(new IterativeStyleOptions().Size);
        var content = new Option<string>("--content") { Description = "The content image", Required = true };
        var style = new Option<string>("--style") { Description = "The style image", Required = true };
        var output = new Option<string>("--out") { Description = "The result (.png, .jpg or .webp)", Required = true };
        var losses = new Option<string?>("--losses") { Description = "Write the loss curve (iteration,loss) to this CSV" };
        var command = new Command("style-transfer",
            "Gatys et al.'s iterative style transfer: optimise an image to keep the content's features and take the style's Gram matrices (L-BFGS).");
        foreach (var o in shared.All.Concat(new Option[] { content, style, output, losses })) command.Options.Add(o);
        PathOptions.Declare(inputFiles: [content, style], outputFiles: [output, losses]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = shared.ReadDevice(r);
            var options = shared.Read(r);
            var format = ImageEncoder.FormatOf(r.GetValue(output)!) ?? throw new TextureBiasException($"{r.GetValue(output)}: the output must be .png, .jpg or .webp");
            var c = ImageDecoder.Decode(r.GetValue(content)!);
            var s = ImageDecoder.Decode(r.GetValue(style)!);
            if (IterativeStyleTransfer.SizeProblem(c, options, content: true) is { } cp) throw new TextureBiasException($"{r.GetValue(content)}: {cp}");
            if (IterativeStyleTransfer.SizeProblem(s, options, content: false) is { } sp) throw new TextureBiasException($"{r.GetValue(style)}: {sp}");
            using var encoder = VggEncoder.Load(ZooAccess.Resolve(r.GetValue(shared.Vgg)!, TextureBias.Models.Zoo.WeightKind.AdaInEncoder));
            var watch = Stopwatch.StartNew();
            double last = double.NaN;
            var curve = new List<(int, double)>();
            var result = CommandRunner.WithLossBar("style transfer", options.Iterations,
                report => IterativeStyleTransfer.Transfer(encoder, c, s, options, (i, loss) => { last = loss; curve.Add((i, loss)); report?.Invoke(i, options.Iterations, loss); }, cancel, on));
            ImageEncoder.Save(r.GetValue(output)!, result, format);
            if (r.GetValue(losses) is { } csv) CommandRunner.WriteLosses(csv, curve);
            Console.WriteLine($"{r.GetValue(output)}\tloss {last:G4}\t{watch.Elapsed.TotalSeconds:0.0} s");
            return CommandRunner.Ok;
        }));
        return command;
    }

    public static Command CreateCueConflict()
    {
        var shared = Options(224);
        var shapes = new Option<string>("--shapes") { Description = "Shape (content) images: SHAPES/<category>/<image>", Required = true };
        var textures = new Option<string>("--textures") { Description = "Texture (style) images: TEXTURES/<category>/<image>", Required = true };
        var outDir = new Option<string>("--out-dir") { Description = "Output: <shape>/<shape>N-<texture>M.png, ready for shape-bias", Required = true };
        var command = new Command("cue-conflict",
            "Make cue-conflict stimuli: every shape image in the texture of every texture image of every other category (Gatys style transfer), resumable.");
        foreach (var o in shared.All.Concat(new Option[] { shapes, textures, outDir })) command.Options.Add(o);
        PathOptions.Declare(inputFolders: [shapes, textures], outputFolders: [outDir]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = shared.ReadDevice(r);
            var options = shared.Read(r);
            int total = CueConflictStimuli.Plan(r.GetValue(shapes)!, r.GetValue(textures)!).Count;
            using var encoder = VggEncoder.Load(ZooAccess.Resolve(r.GetValue(shared.Vgg)!, TextureBias.Models.Zoo.WeightKind.AdaInEncoder));
            var report = CommandRunner.WithLossBar("cue-conflict stimuli", total, bar => CueConflictStimuli.Make(encoder, r.GetValue(shapes)!, r.GetValue(textures)!,
                r.GetValue(outDir)!, options, f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"),
                (done, all, _, loss) => bar?.Invoke(done, all, loss), cancel, on));
            Console.WriteLine($"made {report.Written} stimuli, {report.AlreadyDone} already there, {report.Skipped} inputs skipped" +
                (report.Skipped > 0 ? $" (listed in {report.SkippedList})" : "") + $"; evaluate with: texturebias shape-bias ... --stimuli {r.GetValue(outDir)}");
            return report.Skipped > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
        }));
        return command;
    }
}
