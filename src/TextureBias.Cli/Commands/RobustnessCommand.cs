using System.CommandLine;
using TextureBias.Distortions;
using TextureBias.Evaluation;
using TextureBias.Models;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias robustness</c>: accuracy of one or more models per distortion level, with the human observers beside them.</summary>
internal static class RobustnessCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = $"Architecture of every --weights file (not needed with registered --weights or a known weight file; alone: random weights): {string.Join(", ", Architectures.Names)}" };
        var weights = new Option<string?>("--weights") { Description = "Weight files or registered names, comma-separated: every model is evaluated on the same distorted images" };
        var onnx = new Option<string?>("--onnx") { Description = "ImageNet classifiers exported to ONNX, comma-separated (with or instead of --weights)" };
        var data = new Option<string?>("--data") { Description = "Image folder in the ImageFolder layout: <category>/ folders of the 16 categories (16-class accuracy), or ImageNet <wnid>/ folders (top-1/top-5; also 16-class when all are in the 16 categories)" };
        var distortion = new Option<string?>("--distortion") { Description = "Distortions, comma-separated: " + string.Join("|", DistortionRegistry.Names) };
        var all = new Option<bool>("--all") { Description = "The eight distortions of the Stylized-ImageNet paper's robustness figure: " + string.Join(", ", Robustness.PaperDistortions) };
        var levels = new Option<string?>("--levels") { Description = "Levels of a single --distortion, comma-separated: condition strings (c10, inf, pow) or numbers (default: the reference's)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the noise (our own generator)", DefaultValueFactory = _ => 0 };
        var numpySeed = new Option<long?>("--numpy-seed") { Description = "Noise from numpy's RandomState(S) for every image, as the reference run with that seed" };
        var truncate = new Option<bool>("--truncate") { Description = "Truncate distorted values to 8 bits ((x*255).astype(uint8), the reference's 2023 code) instead of rounding (the published stimuli)" };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing, before distorting (0 keeps the size)", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side, before distorting (0 for no crop)", DefaultValueFactory = _ => 224 };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 32 };
        var workers = new Option<int>("--workers") { Description = "Threads that decode and distort (0: one per core)", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Results folder, written level by level: run the same command again to go on after a stop" };
        var rawOut = new Option<string?>("--raw-data-out") { Description = "Write every model's trials per distortion to this folder as <distortion>_<model>.csv (raw-data format)" };
        var plot = new Option<string?>("--plot") { Description = "Plot accuracy over the levels, one panel per distortion, human observers beside the models (PNG)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var rawData = new Option<string[]>("--raw-data") { Description = "Instead of a model: accuracy per condition of every observer in these raw-data CSV files (model-vs-human format), and pooled", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        var device = DeviceOption.Create();
        device.Description += "; --onnx models run on the CPU";
        var humans = new Option<string?>("--humans") { Description = $"Instead of (or with) --raw-data: the bundled human observers of an experiment: {string.Join(", ", TextureBias.Observers.HumanObservers.Experiments)}" };
        var command = new Command("robustness", "Accuracy of one or more models under the reference's image distortions (see distort) per level, beside the human observers; or, with --raw-data/--humans, of observers' trials.")
        {
            arch, weights, onnx, data, distortion, all, levels, seed, numpySeed, truncate, resize, crop, batch, workers, output, rawOut, plot, json, rawData, humans, device,
        };
        PathOptions.Declare(inputFolders: [data], inputFiles: [rawData], outputFiles: [plot], outputFolders: [output, rawOut]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            if (r.GetValue(rawData) is { Length: > 0 } || r.GetValue(humans) is not null)
            {
                if ((r.GetValue(arch) ?? r.GetValue(weights) ?? r.GetValue(onnx) ?? r.GetValue(data) ?? r.GetValue(distortion)) is not null || r.GetValue(all))
                    throw new TextureBiasException("--raw-data and --humans analyse existing trials: leave out --arch, --weights, --onnx, --data, --distortion and --all");
                return RawDataRobustness.Run(r.GetValue(rawData) ?? [], r.GetValue(humans), r.GetValue(plot), r.GetValue(json));
            }
            var on = DeviceOption.Parse(r.GetValue(device));
            if (r.GetValue(data) is not { } dir || r.GetValue(distortion) is null && !r.GetValue(all))
                throw new TextureBiasException("give --data DIR and --distortion KIND[,KIND] or --all (models), or --raw-data FILE... / --humans EXPERIMENT (existing trials)");
            if (r.GetValue(distortion) is not null && r.GetValue(all)) throw new TextureBiasException("give --distortion or --all, not both");
            var kinds = (r.GetValue(all) ? Robustness.PaperDistortions : r.GetValue(distortion)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(DistortionRegistry.Get).DistinctBy(k => k.Name).ToList();
            if (kinds.Count == 0) throw new TextureBiasException("--distortion names no distortion");
            if (r.GetValue(levels) is not null && kinds.Count > 1) throw new TextureBiasException("--levels needs a single --distortion (each distortion has its own levels)");
            var levelLists = kinds.Select(k => r.GetValue(levels) is { } text
                ? text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(k.ParseLevel).DistinctBy(l => l.Condition).ToList()
                : k.Levels.ToList()).ToList();
            long? npSeed = r.GetValue(numpySeed);
            if (npSeed is < 0 or > uint.MaxValue) throw new TextureBiasException($"--numpy-seed {npSeed}: numpy seeds are 0 to 4294967295");
            if (r.GetValue(batch) < 1) throw new TextureBiasException("--batch must be at least 1");
            var geometry = CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop));
            if (!Directory.Exists(dir)) throw new TextureBiasException($"{dir}: no such folder");
            var options = new RobustnessOptions
            {
                Seed = r.GetValue(seed), NumpySeed = npSeed, BatchSize = r.GetValue(batch), Workers = Math.Max(0, r.GetValue(workers)),
                Quantisation = r.GetValue(truncate) ? PixelQuantisation.Truncate : PixelQuantisation.Round,
                KeepTrials = r.GetValue(output) is not null || r.GetValue(rawOut) is not null,
                Device = on,
            };
            Devices.TuneFor(on, fixedSize: r.GetValue(crop) > 0);
            var models = RobustnessModels.Load(r.GetValue(arch), r.GetValue(weights), r.GetValue(onnx), geometry);
            try
            {
                var data = TextureBias.Data.ImageFolder.Open(new[] { dir });
                int images = data.Samples.Count;
                var store = r.GetValue(output) is { } folder ? RobustnessStore.Open(folder, models, dir, images, geometry, options) : null;
                var cells = CommandRunner.WithProgress($"{string.Join(", ", kinds.Select(k => k.Name))}: {models.Count} model(s)", images * levelLists.Sum(l => l.Count), progress =>
                {
                    var result = new List<RobustnessCell>();
                    int before = 0;
                    for (int d = 0; d < kinds.Count; d++)
                    {
                        int offset = before;
                        var cellsOfD = Robustness.Evaluate(models, data, dir, geometry, kinds[d], levelLists[d], options, store,
                            f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), n => progress?.Invoke(offset + n), cancel);
                        if (r.GetValue(rawOut) is { } rawFolder)
                            foreach (var file in Robustness.WriteRawData(rawFolder, cellsOfD)) Console.Error.WriteLine($"texturebias: wrote {file}");
                        // Only the accuracies stay in memory: the trials of a distortion are written (or not wanted) by now.
                        result.AddRange(cellsOfD.Select(c => c with { Trials = [] }));
                        before += images * levelLists[d].Count;
                    }
                    return result;
                });
                RobustnessReport.Write(kinds, levelLists, cells, r.GetValue(plot), r.GetValue(json));
                return cells.Any(c => c.Points.Any(p => p.Skipped > 0)) ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
            }
            finally
            {
                foreach (var m in models) m.Model.Dispose();
            }
        }));
        return command;
    }
}
