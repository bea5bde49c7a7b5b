using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Observers;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias classify</c>: top-k classes of images and folders.</summary>
internal static class ClassifyCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)} (not needed with registered --weights or a known weight file)" };
        var weights = new Option<string?>("--weights") { Description = "Weight file (.pth, .pth.tar, .safetensors; legacy or zip PyTorch format, plain state_dict or training checkpoint), or a registered name (texturebias weights list), fetched on first use" };
        var resize = new Option<int?>("--resize") { Description = "Shorter side after resizing (0 keeps the size; default: the checkpoint's, else 256)" };
        var crop = new Option<int?>("--crop") { Description = "Centre crop side (0 for no crop; default: the checkpoint's, else 224)" };
        var top = new Option<int>("--top") { Description = "How many classes to show per image", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 32 };
        var logitsOut = new Option<string?>("--logits-out") { Description = "Write all logits as a float32 NumPy .npy [N,classes], rows in the printed order" };
        var rawDataOut = new Option<string?>("--raw-data-out") { Description = "Also write one trial per image as a raw-data CSV (model-vs-human format: subj,session,trial,rt,object_response,category,condition,imagename) for robustness --raw-data and consistency" };
        var json = new Option<bool>("--json") { Description = "Print JSON Lines (one object per image) instead of text" };
        var device = DeviceOption.Create();
        var paths = new Argument<string[]>("PATH") { Description = "Image files or folders (walked recursively, sorted by ordinal path)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("classify", "Classify images with a model and print the top classes.")
        {
            arch, weights, resize, crop, top, batch, logitsOut, rawDataOut, json, device, paths,
        };
        PathOptions.Declare(outputFiles: [logitsOut, rawDataOut]);
        command.SetAction(r => CommandRunner.Run(cancel => Run(
            r.GetValue(arch), r.GetValue(weights), r.GetValue(resize), r.GetValue(crop), r.GetValue(top),
            r.GetValue(batch), r.GetValue(logitsOut), r.GetValue(rawDataOut), r.GetValue(json), r.GetValue(device), r.GetValue(paths)!, cancel)));
        return command;
    }

    private static int Run(string? arch, string? weights, int? resize, int? crop, int top, int batch, string? logitsOut, string? rawDataOut, bool json, string? deviceText, string[] inputs, CancellationToken cancel)
    {
        var device = DeviceOption.Parse(deviceText);
        if (batch < 1) throw new TextureBiasException("--batch must be at least 1");
        if (top < 1) throw new TextureBiasException("--top must be at least 1");
        CommandRunner.CheckSizes(resize, crop);
        var found = ImageFiles.FindByInput(inputs);
        var files = found.Select(f => f.File).ToList();
        if (files.Count == 0) throw new TextureBiasException($"no image files found in {string.Join(", ", inputs)}");
        using var model = ModelLoading.Load(arch, weights);
        var preprocessing = CommandRunner.Preprocessing(model, resize, crop, Preprocessing.ImageNetEval);
        var classifier = new Classifier(model, preprocessing, batch, device: device);
        using var npy = logitsOut is null ? null : new NpyRowWriter(logitsOut, model.NumClasses);
        var trials = rawDataOut is null ? null
            : new ClassifiedTrials(model, ClassifiedTrials.SubjectName(model.Architecture, weights, ZooAccess.Registered(weights)?.Name), found);

        int done = 0, failed = 0;
        var watch = Stopwatch.StartNew();
        var stdout = Console.Out;
        void Failure(ImageFailure f)
        {
            failed++;
            Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}");
            if (json) stdout.WriteLine(JsonSerializer.Serialize(new { path = f.Path, error = f.Reason }, Json));
        }
        void Consume(Action<int> advance)
        {
            foreach (var c in classifier.Classify(files, top, Failure, cancel))
            {
                npy?.Append(c.Logits);
                trials?.Add(c);
                if (json) stdout.WriteLine(JsonSerializer.Serialize(new { c.Path, c.Top }, Json));
                else WriteText(stdout, c);
                done++;
                advance(done + failed);
            }
        }

        if (CommandRunner.CanShowProgress && files.Count > 1)
        {
            CommandRunner.Error.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"classify {files.Count} images", maxValue: files.Count);
                    Consume(n => task.Value = n);
                    task.Value = files.Count;
                });
        }
        else Consume(_ => { });

        cancel.ThrowIfCancellationRequested();
        npy?.Complete();
        trials?.Write(rawDataOut!);
        double seconds = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"texturebias: classified {done} image{(done == 1 ? "" : "s")}" +
            (failed > 0 ? $", skipped {failed}" : "") + $" in {seconds:0.0} s ({done / Math.Max(seconds, 1e-9):0.00} images/s)" +
            (logitsOut is null ? "" : $"; logits in {logitsOut}") + (rawDataOut is null ? "" : $"; trials in {rawDataOut}"));
        return failed > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
    }

    private static void WriteText(TextWriter o, Classification c)
    {
        o.WriteLine(c.Path);
        for (int i = 0; i < c.Top.Count; i++)
        {
            var p = c.Top[i];
            o.WriteLine($"  {i + 1,2}. {p.Probability,7:P2}  {p.Index,4}  {p.Name}  (logit {p.Logit:0.000})");
        }
    }
}
