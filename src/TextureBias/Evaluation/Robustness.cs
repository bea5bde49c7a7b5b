using TextureBias.Data;
using TextureBias.Distortions;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Observers;
using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>
/// Accuracy of one or more models under one of the reference's distortions at several levels (Geirhos et al. 2018, as the
/// Stylized-ImageNet paper's robustness figure): each image is resized and cropped, distorted exactly as the reference
/// generation code does and rounded to 8 bits as its stimuli were saved, then shown to every model. The images are decoded
/// and distorted once per level on background threads, whatever the number of models.
/// </summary>
public static class Robustness
{
    /// <summary>
    /// The eight distortions of the Stylized-ImageNet paper's robustness figure (texture-vs-shape's
    /// <c>data-analysis.R</c>): uniform noise, contrast, high-pass, low-pass, phase noise and eidolon I, II, III.
    /// </summary>
    public static IReadOnlyList<string> PaperDistortions { get; } =
        ["uniform-noise", "contrast", "high-pass", "low-pass", "phase-scrambling", "eidolon-I", "eidolon-II", "eidolon-III"];

    /// <summary>
    /// Writes each model's trials under each distortion of <paramref name="cells"/> as a raw-data CSV,
    /// <c>&lt;folder&gt;/&lt;distortion&gt;_&lt;model&gt;.csv</c> (characters other than letters, digits, '.', '-' and '_' in the
    /// model's name become '-'), atomically; returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteRawData(string folder, IReadOnlyList<RobustnessCell> cells)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var byDistortion in cells.GroupBy(c => c.Distortion))
            foreach (var byModel in byDistortion.SelectMany(c => c.Trials).GroupBy(t => t.Subject))
            {
                string path = Path.Combine(folder, $"{byDistortion.Key}_{FileNameText.Of(byModel.Key)}.csv");
                if (written.Contains(path)) throw new TextureBiasException($"{path}: two models' trials would share this file (model names differing only in punctuation)");
                RawData.Write(path, byModel.ToList());
                written.Add(path);
            }
        return written;
    }

    /// <summary>
    /// Evaluates <paramref name="models"/> on the image folder <paramref name="data"/> (ImageFolder layout: folders of the 16
    /// categories, of ImageNet WNIDs, or of a network's own classes; see <see cref="RobustnessPoint"/> for what is measured)
    /// under <paramref name="distortion"/> at each of <paramref name="levels"/>. A distortion whose output is larger than its
    /// input (the eidolons work at 256 px) is centre-cropped back to the input's size. Cells found in
    /// <paramref name="store"/> for the same run are taken from it; each newly computed cell is saved there at once, so a
    /// killed run goes on where it stopped. Unreadable images are reported once (<paramref name="onFailure"/>) and skipped.
    /// </summary>
    public static IReadOnlyList<RobustnessCell> Evaluate(IReadOnlyList<RobustnessModel> models, string data, Preprocessing geometry,
        IDistortion distortion, IReadOnlyList<DistortionLevel> levels, RobustnessOptions? options = null, RobustnessStore? store = null,
        Action<ImageFailure>? onFailure = null, Action<int>? progress = null, CancellationToken cancel = default) =>
        Evaluate(models, ImageFolder.Open(new[] { data }), data, geometry, distortion, levels, options, store, onFailure, progress, cancel);

    /// <summary>
    /// <see cref="Evaluate(IReadOnlyList{RobustnessModel}, string, Preprocessing, IDistortion, IReadOnlyList{DistortionLevel}, RobustnessOptions?, RobustnessStore?, Action{ImageFailure}?, Action{int}?, CancellationToken)"/>
    /// on <paramref name="folder"/>, the folder <paramref name="data"/> already read (so that a run over several distortions reads it once).
    /// </summary>
    public static IReadOnlyList<RobustnessCell> Evaluate(IReadOnlyList<RobustnessModel> models, ImageFolder folder, string data, Preprocessing geometry,
        IDistortion distortion, IReadOnlyList<DistortionLevel> levels, RobustnessOptions? options = null, RobustnessStore? store = null,
        Action<ImageFailure>? onFailure = null, Action<int>? progress = null, CancellationToken cancel = default)
    {
        options ??= new RobustnessOptions();
        if (models.Count == 0) throw new ArgumentException("no model to evaluate", nameof(models));
        if (levels.Count == 0) throw new ArgumentException("no level to evaluate", nameof(levels));
        var duplicate = models.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new TextureBiasException($"two models are called '{duplicate.Key}': give each its own name");
        var scorers = models.Select(m => RobustnessScorer.For(m.Model, m.Name, folder)).ToList();
        var paths = folder.Samples.Select(s => s.Path).ToList();
        var relative = paths.Select(p => Path.GetRelativePath(data, p).Replace(Path.DirectorySeparatorChar, '/')).ToList();
        var imageNames = TrialImageNames.For(paths.Select(p => (p, "")).ToList());
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < paths.Count; i++) position.TryAdd(paths[i], i);
        foreach (var m in models) m.Model.eval();
        using var frozen = FrozenWeights.Of(models.Select(m => m.Model));
        // Each network's device: the one asked for (ONNX models stay on the CPU, where ONNX Runtime runs them) or its own.
        var devices = models.Select(m => m.Model is OnnxClassifier ? Devices.Cpu
            : Devices.Place(m.Model, options.Device)).ToList();

        var reported = new HashSet<string>(StringComparer.Ordinal);
        var cells = new List<RobustnessCell>();
        int done = 0;
        foreach (var level in levels)
        {
            cancel.ThrowIfCancellationRequested();
            if (store?.TryLoad(distortion.Name, level) is { } saved)
            {
                cells.Add(saved);
                done += paths.Count;
                progress?.Invoke(done);
                continue;
            }
            var cell = EvaluateLevel(models, devices, scorers, folder, paths, relative, imageNames, position, geometry, distortion, level, options,
                f => { if (reported.Add(f.Path)) onFailure?.Invoke(f); }, n => progress?.Invoke(done + n), cancel);
            cancel.ThrowIfCancellationRequested();
            store?.Save(cell);
            cells.Add(cell);
            done += paths.Count;
            progress?.Invoke(done);
        }
        return cells;
    }

    static RobustnessCell EvaluateLevel(IReadOnlyList<RobustnessModel> models, IReadOnlyList<Device> devices, IReadOnlyList<RobustnessScorer> scorers, ImageFolder folder,
        IReadOnlyList<string> paths, IReadOnlyList<string> relative, IReadOnlyList<string> imageNames, Dictionary<string, int> position,
        Preprocessing geometry, IDistortion distortion, DistortionLevel level, RobustnessOptions options,
        Action<ImageFailure> onFailure, Action<int> progress, CancellationToken cancel)
    {
        int m = models.Count, skipped = 0, seen = 0;
        var images = new int[m];
        var sixteen = new int[m];
        var top1 = new int[m];
        var top5 = new int[m];
        var trials = new List<RawTrial>[m];
        for (int k = 0; k < m; k++) trials[k] = [];
        RgbImage Distort(RgbImage image, int index)
        {
            var shown = geometry.Geometry(image);
            var noise = NoiseSeeds.For(options.NumpySeed, options.Seed, relative[index], level);
            var distorted = distortion.Apply(FloatImage.FromRgb(shown), level, noise).ToRgb(options.Quantisation);
            bool larger = distorted.Width >= shown.Width && distorted.Height >= shown.Height && (distorted.Width, distorted.Height) != (shown.Width, shown.Height);
            return larger
                ? Preprocessing.CropRegion(distorted, (distorted.Width - shown.Width) / 2, (distorted.Height - shown.Height) / 2, shown.Width, shown.Height)
                : distorted;
        }
        var loader = new ImageBatchLoader(Distort, Math.Max(1, options.BatchSize), options.Workers, normalize: false)
        {
            PinMemory = devices.Any(Devices.PinsMemory),
            MinimumSide = models.Max(x => x.Model.MinimumInputSize),
            MinimumSideNeededBy = models.MaxBy(x => x.Model.MinimumInputSize)!.Model.Architecture,
        };
        foreach (var batch in loader.Batches(paths, f => { skipped++; onFailure(f); progress(++seen); }, cancel))
        {
            using (batch)
            using (NewDisposeScope())
            using (no_grad())
            {
                var indices = batch.Paths.Select(p => position[p]).ToList();
                var labels = indices.Select(i => folder.Samples[i].Label).ToList();
                var uploaded = new List<Tensor>(); // the batch on each device, copied once
                for (int k = 0; k < m; k++)
                {
                    var input = uploaded.FirstOrDefault(t => Devices.SameDevice(t.device, devices[k]));
                    if (input is null) uploaded.Add(input = Devices.Upload(batch.Input, devices[k]));
                    var output = models[k].Model.forward(Preprocessing.Normalize(input, models[k].Normalization.Mean, models[k].Normalization.Std));
                    var logits = Devices.On(output, Devices.Cpu);
                    var scorer = scorers[k];
                    bool[]? h1 = null, h5 = null;
                    if (scorer.TopK)
                    {
                        var targets = labels.Select(scorer.Output).ToList();
                        h1 = TopK.Hits(logits, targets, 1);
                        h5 = TopK.Hits(logits, targets, 5);
                    }
                    int classes = (int)logits.shape[1];
                    var values = logits.data<float>().ToArray();
                    for (int i = 0; i < labels.Count; i++)
                    {
                        var row = values.AsSpan(i * classes, classes).ToArray();
                        var (category, response, hit16, hit1, hit5) = scorer.Score(row, labels[i], h1?[i] ?? false, h5?[i] ?? false);
                        images[k]++;
                        if (hit16) sixteen[k]++;
                        if (hit1) top1[k]++;
                        if (hit5) top5[k]++;
                        if (options.KeepTrials)
                            trials[k].Add(new RawTrial(models[k].Name, "1", level.Condition, imageNames[indices[i]], category, response));
                    }
                }
                seen += labels.Count;
                progress(seen);
            }
        }
        var points = new List<RobustnessPoint>();
        for (int k = 0; k < m; k++)
        {
            double? Fraction(bool measured, int hits) => !measured ? null : images[k] == 0 ? double.NaN : (double)hits / images[k];
            points.Add(new RobustnessPoint(models[k].Name, distortion.Name, level.Condition, level.Value, images[k], skipped,
                Fraction(scorers[k].SixteenClass, sixteen[k]), Fraction(scorers[k].TopK, top1[k]), Fraction(scorers[k].TopK, top5[k])));
        }
        return new RobustnessCell(distortion.Name, level, points, trials.SelectMany(t => t).ToList());
    }
}
