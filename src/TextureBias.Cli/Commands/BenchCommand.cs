using System.CommandLine;
using TextureBias.Evaluation;
using TextureBias.Models;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias bench</c>: throughput measurements, each printed as one JSON line (<see cref="BenchmarkLine"/>).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)}", Required = true };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 8 };
        var size = new Option<int>("--size") { Description = "Image side in pixels", DefaultValueFactory = _ => 224 };
        var runs = new Option<int>("--runs") { Description = "Timed runs (after three warm-up runs); the median is reported", DefaultValueFactory = _ => 7 };
        var device = DeviceOption.Create();
        var peak = PeakOption();
        var forward = new Command("forward", "Forward-pass throughput of an architecture on random weights (inference, eval mode).")
        {
            arch, batch, size, runs, device, peak,
        };
        forward.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            Print(BenchmarkRunner.Run(() => ForwardBenchmark.Run(r.GetValue(arch)!, r.GetValue(batch), r.GetValue(size), r.GetValue(runs), device: on), on, r.GetValue(peak)));
            return CommandRunner.Ok;
        }));
        var hArch = new Option<string>("--arch") { Description = "bagnet9, bagnet17 or bagnet33", Required = true };
        var hSize = new Option<int>("--size") { Description = "Image side in pixels", DefaultValueFactory = _ => 224 };
        var hPatches = new Option<long>("--patches") { Description = "Patches classified one by one for the patch-by-patch time (extrapolated to the whole map)", DefaultValueFactory = _ => 2000 };
        var hDevice = DeviceOption.Create();
        var hPeak = PeakOption();
        var heatmap = new Command("heatmap", "Seconds per dense heatmap and per patch-by-patch heatmap (the official method; measured on a subset and extrapolated).")
        {
            hArch, hSize, hPatches, hDevice, hPeak,
        };
        heatmap.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(hDevice));
            Print(BenchmarkRunner.Run(() => TextureBias.Interpretation.HeatmapBenchmark.Run(r.GetValue(hArch)!, r.GetValue(hSize), r.GetValue(hPatches), on), on, r.GetValue(hPeak)));
            return CommandRunner.Ok;
        }));
        var sSize = new Option<int>("--size") { Description = "Content side in pixels", DefaultValueFactory = _ => 224 };
        var sStyle = new Option<int>("--style-size") { Description = "Style side in pixels", DefaultValueFactory = _ => 224 };
        var sBatch = new Option<int>("--batch") { Description = "Content images per forward pass", DefaultValueFactory = _ => 8 };
        var sImages = new Option<int>("--images") { Description = "Images in the generated folder of the end-to-end run", DefaultValueFactory = _ => 256 };
        var sDevice = DeviceOption.Create();
        var sPeak = PeakOption();
        var sAmp = AmpOption.Create();
        var stylize = new Command("stylize", "AdaIN stylisation speed: the networks alone, and a dataset job end to end over a generated folder.")
        {
            sSize, sStyle, sBatch, sImages, sDevice, sAmp, sPeak,
        };
        stylize.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(sDevice));
            var precision = AmpOption.Parse(r.GetValue(sAmp));
            Print(BenchmarkRunner.Run(() => TextureBias.Style.StylizeBenchmark.Run(r.GetValue(sSize), r.GetValue(sStyle), r.GetValue(sBatch), r.GetValue(sImages), device: on, precision: precision),
                on, r.GetValue(sPeak)));
            return CommandRunner.Ok;
        }));
        var tArch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)}", Required = true };
        var tBatch = new Option<int>("--batch") { Description = "Images per step", DefaultValueFactory = _ => 32 };
        var tSize = new Option<int>("--size") { Description = "Training crop side", DefaultValueFactory = _ => 224 };
        var tSteps = new Option<int>("--steps") { Description = "Timed steps (and batches of generated images)", DefaultValueFactory = _ => 3 };
        var tDevice = DeviceOption.Create();
        var tPeak = PeakOption();
        var tAmp = AmpOption.Create();
        var trainBench = new Command("train", "Training speed: the step on tensors in memory, and end to end from a generated image folder through the loader.")
        {
            tArch, tBatch, tSize, tSteps, tDevice, tAmp, tPeak,
        };
        trainBench.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(tDevice));
            var precision = AmpOption.Parse(r.GetValue(tAmp));
            Print(BenchmarkRunner.Run(() => TextureBias.Training.TrainBenchmark.Run(r.GetValue(tArch)!, r.GetValue(tBatch), r.GetValue(tSize), r.GetValue(tSteps), on, precision), on, r.GetValue(tPeak)));
            return CommandRunner.Ok;
        }));
        var xSize = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 224 };
        var xIters = new Option<int>("--iters") { Description = "L-BFGS iterations per image", DefaultValueFactory = _ => 10 };
        var xVgg = new Option<string?>("--vgg") { Description = "vgg_normalised.pth or the registered name vgg_normalised (default: random weights; the speed is the same)" };
        var xDevice = DeviceOption.Create();
        var xPeak = PeakOption();
        var texturize = new Command("texturize", "Texture synthesis speed: seconds per L-BFGS iteration and per image.") { xSize, xIters, xVgg, xDevice, xPeak };
        texturize.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(xDevice));
            using var encoder = r.GetValue(xVgg) is { } path ? TextureBias.Style.VggEncoder.Load(ZooAccess.Resolve(path, TextureBias.Models.Zoo.WeightKind.AdaInEncoder)) : null;
            Print(BenchmarkRunner.Run(() => TextureBias.Style.TexturizeBenchmark.Run(encoder, r.GetValue(xSize), r.GetValue(xIters), device: on), on, r.GetValue(xPeak)));
            return CommandRunner.Ok;
        }));
        var dNames = new Option<string?>("--distortion") { Description = "Distortions to time, comma-separated (default: all)" };
        var dSize = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 224 };
        var dImages = new Option<int>("--images") { Description = "Images per measurement", DefaultValueFactory = _ => 64 };
        var dPeak = PeakOption();
        var distort = new Command("distort", "Distortion speed: images/s of each distortion alone (one thread) and of a folder job end to end (all cores).") { dNames, dSize, dImages, dPeak };
        distort.SetAction(r => CommandRunner.Run(_ =>
        {
            var names = r.GetValue(dNames)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            // No network: the peak is reported when known (given or cached), never measured for this line.
            MachinePeak.Check(r.GetValue(dPeak));
            Print(BenchmarkRunner.Run(() => TextureBias.Distortions.DistortBenchmark.Run(names, r.GetValue(dSize), r.GetValue(dImages)),
                () => MachinePeak.Known(TextureBias.Models.Devices.Cpu, r.GetValue(dPeak))));
            return CommandRunner.Ok;
        }));
        var iArch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)}", Required = true };
        var iSize = new Option<int>("--size") { Description = "Image side in pixels", DefaultValueFactory = _ => 224 };
        var iPatch = new Option<int>("--patch") { Description = "Patch side in pixels", DefaultValueFactory = _ => 33 };
        var iPairs = new Option<int>("--pairs") { Description = "Patch pairs per image", DefaultValueFactory = _ => 20 };
        var iBatch = new Option<int>("--batch") { Description = "Masked copies per forward pass", DefaultValueFactory = _ => 32 };
        var iImages = new Option<int>("--images") { Description = "Timed images (after one warm-up image); the median is reported", DefaultValueFactory = _ => 3 };
        var iDevice = DeviceOption.Create();
        var iPeak = PeakOption();
        var interactions = new Command("interactions", "Interaction measurement speed: images/s and masked copies/s (random weights and images, no decoding).")
        {
            iArch, iSize, iPatch, iPairs, iBatch, iImages, iDevice, iPeak,
        };
        interactions.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(iDevice));
            Print(BenchmarkRunner.Run(() => TextureBias.Comparison.InteractionBenchmark.Run(r.GetValue(iArch)!, r.GetValue(iSize), r.GetValue(iPatch), r.GetValue(iPairs), r.GetValue(iBatch), r.GetValue(iImages), on),
                on, r.GetValue(iPeak)));
            return CommandRunner.Ok;
        }));
        var aArch = new Option<string>("--arch") { Description = "Architecture (random weights)", DefaultValueFactory = _ => "resnet50" };
        var aMethods = new Option<string?>("--method") { Description = "Methods to time, comma-separated (default: all that apply)" };
        var aSize = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 224 };
        var aImages = new Option<int>("--images") { Description = "Images per method", DefaultValueFactory = _ => 2 };
        var aSteps = new Option<int>("--steps") { Description = "Integrated gradients' steps", DefaultValueFactory = _ => 50 };
        var aBatch = new Option<int>("--batch") { Description = "Network inputs per pass", DefaultValueFactory = _ => 16 };
        var aDevice = DeviceOption.Create();
        var aPeak = PeakOption();
        var attribute = new Command("attribute", "Attribution speed: seconds per image of each method (integrated gradients' steps in batches).") { aArch, aMethods, aSize, aImages, aSteps, aBatch, aDevice, aPeak };
        attribute.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(aDevice));
            var names = r.GetValue(aMethods)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            Print(BenchmarkRunner.Run(() => TextureBias.Attribution.AttributionBenchmark.Run(r.GetValue(aArch)!, names, r.GetValue(aSize), r.GetValue(aImages), r.GetValue(aSteps), r.GetValue(aBatch), on),
                on, r.GetValue(aPeak)));
            return CommandRunner.Ok;
        }));
        var mArch = new Option<string>("--arch") { Description = "Architecture (random weights)", DefaultValueFactory = _ => "resnet50" };
        var mRanking = new Option<string>("--ranking") { Description = "random or own:METHOD", DefaultValueFactory = _ => "random" };
        var mSize = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 224 };
        var mImages = new Option<int>("--images") { Description = "Images timed", DefaultValueFactory = _ => 8 };
        var mPatch = new Option<int>("--patch") { Description = "Patch side", DefaultValueFactory = _ => 33 };
        var mDevice = DeviceOption.Create();
        var mPeak = PeakOption();
        var mask = new Command("mask", "Masking speed: images/s of the feature-sensitivity experiment end to end (7 masked copies per image in one batch).") { mArch, mRanking, mSize, mImages, mPatch, mDevice, mPeak };
        mask.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(mDevice));
            Print(BenchmarkRunner.Run(() => TextureBias.Comparison.MaskingBenchmark.Run(r.GetValue(mArch)!, r.GetValue(mRanking)!, r.GetValue(mSize), r.GetValue(mImages), r.GetValue(mPatch), on),
                on, r.GetValue(mPeak)));
            return CommandRunner.Ok;
        }));
        return new Command("bench", "Benchmarks; each prints one JSON line with its GFLOP/s, the share of the machine's peak (bench peak) and the peak resident memory.")
        {
            CreatePeak(), CreateAll(), forward, heatmap, stylize, trainBench, texturize, distort, attribute, mask, interactions,
        };
    }

    private static Option<double?> PeakOption() => new("--peak")
    {
        Description = "The machine's peak in GFLOP/s for fraction_of_peak (default: the cached bench peak, measured briefly and cached when there is none)",
    };

    private static void Print(BenchmarkLine line) => Console.WriteLine(line.ToJson());

    private static Command CreatePeak()
    {
        var shapes = new Option<string[]>("--shape")
        {
            Description = "A convolution NxCxHxW:K (3x3, stride 1, padding 1, to K channels); repeat for several (default: 8x256x56x56:256, 8x128x112x112:128, 8x512x28x28:512; only the default set is cached)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var runs = new Option<int>("--runs") { Description = "Timed runs per convolution (after the warm-up runs); the median is taken", DefaultValueFactory = _ => PeakBenchmark.DefaultRuns };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs per convolution first", DefaultValueFactory = _ => 2 };
        var device = DeviceOption.Create();
        var command = new Command("peak", "The machine's FP32 convolution peak: large channels-last 3x3 convolutions on all threads; the best GFLOP/s, cached for the other bench lines.")
        {
            shapes, runs, warmup, device,
        };
        command.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            var chosen = (r.GetValue(shapes) ?? []).Select(PeakConvolution.Parse).ToList();
            var line = BenchmarkRunner.Run(() =>
            {
                var result = PeakBenchmark.Run(chosen, r.GetValue(runs), r.GetValue(warmup), on);
                return chosen.Count == 0 ? result with { Cache = MachinePeak.Store(result) } : result;
            }, () => null);
            Print(line.WithMachine(new MachinePeakLookup(line.Gflops ?? 0, "measured"), line.PeakRssMb));
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static Command CreateAll()
    {
        var quick = new Option<bool>("--quick") { Description = "Small sizes and single runs: checks that every benchmark works (seconds; the numbers mean little)" };
        var json = new Option<string?>("--json") { Description = "Also write every line to this file (JSON lines)" };
        var device = DeviceOption.Create();
        var peak = PeakOption();
        peak.Description = "The machine's peak in GFLOP/s for fraction_of_peak (default: the suite's own peak measurement)";
        var command = new Command("all", "The standard benchmarks in one process: peak, forward, heatmap, stylize, train, texturize, interactions, attribute, mask, distort; a JSON line each as it finishes, then a table.")
        {
            quick, json, device, peak,
        };
        command.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            MachinePeak.Check(r.GetValue(peak));
            var rows = BenchmarkSuite.Run(new BenchmarkSuiteOptions { Quick = r.GetValue(quick), Device = on, Peak = r.GetValue(peak) }, row =>
            {
                if (row.Error is { } error) Console.Error.WriteLine($"texturebias: bench all: {row.Name} failed: {error}");
                else Console.WriteLine(BenchmarkSuite.Json(row));
            });
            if (r.GetValue(json) is { } path) BenchmarkSuite.WriteJson(rows, path);
            BenchTable.Write(rows);
            return rows.Any(row => row.Error is not null) ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
        }));
        return command;
    }
}
