using System.CommandLine;
using System.Text.Json;
using TextureBias.Evaluation;
using TextureBias.Models;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias bench</c>: throughput measurements printed as one JSON line.</summary>
internal static class BenchCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var arch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)}", Required = true };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 8 };
        var size = new Option<int>("--size") { Description = "Image side in pixels", DefaultValueFactory = _ => 224 };
        var runs = new Option<int>("--runs") { Description = "Timed runs (after one warm-up run); the median is reported", DefaultValueFactory = _ => 5 };
        var device = DeviceOption.Create();
        var forward = new Command("forward", "Forward-pass throughput of an architecture on random weights (inference, eval mode).")
        {
            arch, batch, size, runs, device,
        };
        forward.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            var result = ForwardBenchmark.Run(r.GetValue(arch)!, r.GetValue(batch), r.GetValue(size), r.GetValue(runs), device: on);
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
            return CommandRunner.Ok;
        }));
        var hArch = new Option<string>("--arch") { Description = "bagnet9, bagnet17 or bagnet33", Required = true };
        var hSize = new Option<int>("--size") { Description = "Image side in pixels", DefaultValueFactory = _ => 224 };
        var hPatches = new Option<long>("--patches") { Description = "Patches classified one by one for the patch-by-patch time (extrapolated to the whole map)", DefaultValueFactory = _ => 2000 };
        var hDevice = DeviceOption.Create();
        var heatmap = new Command("heatmap", "Seconds per dense heatmap and per patch-by-patch heatmap (the official method; measured on a subset and extrapolated).")
        {
            hArch, hSize, hPatches, hDevice,
        };
        heatmap.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(hDevice));
            var result = TextureBias.Interpretation.HeatmapBenchmark.Run(r.GetValue(hArch)!, r.GetValue(hSize), r.GetValue(hPatches), on);
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
            return CommandRunner.Ok;
        }));
        var sSize = new Option<int>("--size") { Description = "Content side in pixels", DefaultValueFactory = _ => 224 };
        var sStyle = new Option<int>("--style-size") { Description = "Style side in pixels", DefaultValueFactory = _ => 224 };
        var sBatch = new Option<int>("--batch") { Description = "Content images per forward pass", DefaultValueFactory = _ => 8 };
        var sImages = new Option<int>("--images") { Description = "Images in the generated folder of the end-to-end run", DefaultValueFactory = _ => 32 };
        var sDevice = DeviceOption.Create();
        var sAmp = AmpOption.Create();
        var stylize = new Command("stylize", "AdaIN stylisation speed: the networks alone, and a dataset job end to end over a generated folder.")
        {
            sSize, sStyle, sBatch, sImages, sDevice, sAmp,
        };
        stylize.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(sDevice));
            var precision = AmpOption.Parse(r.GetValue(sAmp));
            var result = TextureBias.Style.StylizeBenchmark.Run(r.GetValue(sSize), r.GetValue(sStyle), r.GetValue(sBatch), r.GetValue(sImages), device: on, precision: precision);
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
            return CommandRunner.Ok;
        }));
        var tArch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)}", Required = true };
        var tBatch = new Option<int>("--batch") { Description = "Images per step", DefaultValueFactory = _ => 32 };
        var tSize = new Option<int>("--size") { Description = "Training crop side", DefaultValueFactory = _ => 224 };
        var tSteps = new Option<int>("--steps") { Description = "Timed steps (and batches of generated images)", DefaultValueFactory = _ => 3 };
        var tDevice = DeviceOption.Create();
        var tAmp = AmpOption.Create();
        var trainBench = new Command("train", "Training speed: the step on tensors in memory, and end to end from a generated image folder through the loader.")
        {
            tArch, tBatch, tSize, tSteps, tDevice, tAmp,
        };
        trainBench.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(tDevice));
            var precision = AmpOption.Parse(r.GetValue(tAmp));
            var result = TextureBias.Training.TrainBenchmark.Run(r.GetValue(tArch)!, r.GetValue(tBatch), r.GetValue(tSize), r.GetValue(tSteps), on, precision);
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
            return CommandRunner.Ok;
        }));
        var xSize = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 224 };
        var xIters = new Option<int>("--iters") { Description = "L-BFGS iterations per image", DefaultValueFactory = _ => 10 };
        var xVgg = new Option<string?>("--vgg") { Description = "vgg_normalised.pth or the registered name vgg_normalised (default: random weights; the speed is the same)" };
        var xDevice = DeviceOption.Create();
        var texturize = new Command("texturize", "Texture synthesis speed: seconds per L-BFGS iteration and per image.") { xSize, xIters, xVgg, xDevice };
        texturize.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(xDevice));
            using var encoder = r.GetValue(xVgg) is { } path ? TextureBias.Style.VggEncoder.Load(ZooAccess.Resolve(path, TextureBias.Models.Zoo.WeightKind.AdaInEncoder)) : null;
            var result = TextureBias.Style.TexturizeBenchmark.Run(encoder, r.GetValue(xSize), r.GetValue(xIters), device: on);
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
            return CommandRunner.Ok;
        }));
        var dNames = new Option<string?>("--distortion") { Description = "Distortions to time, comma-separated (default: all)" };
        var dSize = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 224 };
        var dImages = new Option<int>("--images") { Description = "Images per measurement", DefaultValueFactory = _ => 64 };
        var distort = new Command("distort", "Distortion speed: images/s of each distortion alone (one thread) and of a folder job end to end (all cores).") { dNames, dSize, dImages };
        distort.SetAction(r => CommandRunner.Run(_ =>
        {
            var names = r.GetValue(dNames)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            var result = TextureBias.Distortions.DistortBenchmark.Run(names, r.GetValue(dSize), r.GetValue(dImages));
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
            return CommandRunner.Ok;
        }));
        var iArch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)}", Required = true };
        var iSize = new Option<int>("--size") { Description = "Image side in pixels", DefaultValueFactory = _ => 224 };
        var iPatch = new Option<int>("--patch") { Description = "Patch side in pixels", DefaultValueFactory = _ => 33 };
        var iPairs = new Option<int>("--pairs") { Description = "Patch pairs per image", DefaultValueFactory = _ => 20 };
        var iBatch = new Option<int>("--batch") { Description = "Masked copies per forward pass", DefaultValueFactory = _ => 32 };
        var iImages = new Option<int>("--images") { Description = "Timed images (after one warm-up image); the median is reported", DefaultValueFactory = _ => 3 };
        var iDevice = DeviceOption.Create();
        var interactions = new Command("interactions", "Interaction measurement speed: images/s and masked copies/s (random weights and images, no decoding).")
        {
            iArch, iSize, iPatch, iPairs, iBatch, iImages, iDevice,
        };
        interactions.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(iDevice));
            var result = TextureBias.Comparison.InteractionBenchmark.Run(r.GetValue(iArch)!, r.GetValue(iSize), r.GetValue(iPatch), r.GetValue(iPairs), r.GetValue(iBatch), r.GetValue(iImages), on);
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
            return CommandRunner.Ok;
        }));
        var aArch = new Option<string>("--arch") { Description = "Architecture (random weights)", DefaultValueFactory = _ => "resnet50" };
        var aMethods = new Option<string?>("--method") { Description = "Methods to time, comma-separated (default: all that apply)" };
        var aSize = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 224 };
        var aImages = new Option<int>("--images") { Description = "Images per method", DefaultValueFactory = _ => 2 };
        var aSteps = new Option<int>("--steps") { Description = "Integrated gradients' steps", DefaultValueFactory = _ => 50 };
        var aBatch = new Option<int>("--batch") { Description = "Network inputs per pass", DefaultValueFactory = _ => 16 };
        var aDevice = DeviceOption.Create();
        var attribute = new Command("attribute", "Attribution speed: seconds per image of each method (integrated gradients' steps in batches).") { aArch, aMethods, aSize, aImages, aSteps, aBatch, aDevice };
        attribute.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(aDevice));
            var names = r.GetValue(aMethods)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            Console.WriteLine(JsonSerializer.Serialize(TextureBias.Attribution.AttributionBenchmark.Run(r.GetValue(aArch)!, names, r.GetValue(aSize), r.GetValue(aImages), r.GetValue(aSteps), r.GetValue(aBatch), on), Json));
            return CommandRunner.Ok;
        }));
        var mArch = new Option<string>("--arch") { Description = "Architecture (random weights)", DefaultValueFactory = _ => "resnet50" };
        var mRanking = new Option<string>("--ranking") { Description = "random or own:METHOD", DefaultValueFactory = _ => "random" };
        var mSize = new Option<int>("--size") { Description = "Image side", DefaultValueFactory = _ => 224 };
        var mImages = new Option<int>("--images") { Description = "Images timed", DefaultValueFactory = _ => 8 };
        var mPatch = new Option<int>("--patch") { Description = "Patch side", DefaultValueFactory = _ => 33 };
        var mDevice = DeviceOption.Create();
        var mask = new Command("mask", "Masking speed: images/s of the feature-sensitivity experiment end to end (7 masked copies per image in one batch).") { mArch, mRanking, mSize, mImages, mPatch, mDevice };
        mask.SetAction(r => CommandRunner.Run(_ =>
        {
            var on = DeviceOption.Parse(r.GetValue(mDevice));
            Console.WriteLine(JsonSerializer.Serialize(TextureBias.Comparison.MaskingBenchmark.Run(r.GetValue(mArch)!, r.GetValue(mRanking)!, r.GetValue(mSize), r.GetValue(mImages), r.GetValue(mPatch), on), Json));
            return CommandRunner.Ok;
        }));
        return new Command("bench", "Benchmarks; each prints one JSON line.") { forward, heatmap, stylize, trainBench, texturize, distort, attribute, mask, interactions };
    }
}
