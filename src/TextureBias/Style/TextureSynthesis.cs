using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// Gatys, Ecker &amp; Bethge (2015), "Texture synthesis using convolutional neural networks": an
/// image is optimised from noise until the Gram matrices of its VGG-19 features match those of
/// the source. The result keeps the source's local statistics ("the same stuff") and loses its
/// global arrangement — the "texturised" images of the BagNet paper. Images are RGB in [0,1],
/// as the <c>vgg_normalised.pth</c> encoder takes them; the loss of a layer with C channels is
/// weighted 1000/C² as in Gatys' PytorchNeuralStyleTransfer. The encoder, the image being
/// optimised and L-BFGS's state live on the given device (float32: L-BFGS needs it); the starting
/// noise is drawn on the CPU from the seed and uploaded, so it is the same on every device.
/// </summary>
public static class TextureSynthesis
{
    /// <summary>The module indices of named layers, ascending.</summary>
    /// <exception cref="TextureBiasException">A name is not one of relu1_1 … relu5_4.</exception>
    public static int[] LayerIndices(IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw new TextureBiasException("no layers given");
        return names.Select(n => VggEncoder.ReluIndex.TryGetValue(n.Trim(), out int i) ? i
            : throw new TextureBiasException($"unknown layer '{n}' (use relu1_1 … relu5_4: {string.Join(", ", VggEncoder.ReluIndex.Keys)})"))
            .Distinct().Order().ToArray();
    }

    /// <summary>
    /// The smallest side of the image the synthesis works on that reaches the deepest of
    /// <paramref name="layers"/> (<see cref="VggEncoder.MinimumSide"/>): 17 pixels for the
    /// default layers (relu5_1 lies after four max-pools), 9 up to relu4_x.
    /// </summary>
    public static int MinimumSide(IReadOnlyList<string> layers) => VggEncoder.MinimumSide(LayerIndices(layers)[^1]);

    /// <summary>Refuses options no image can be synthesised with (layers, a too small size, iterations), before any work.</summary>
    /// <exception cref="TextureBiasException">One line naming the option.</exception>
    public static void CheckOptions(TextureSynthesisOptions options)
    {
        var layers = LayerIndices(options.Layers);
        if (options.Size < 0) throw new TextureBiasException("--size must be 0 (keep each image's size) or positive");
        if (options.Iterations < 1) throw new TextureBiasException("--iters must be at least 1");
        int minimum = VggEncoder.MinimumSide(layers[^1]);
        if (options.Size > 0 && options.Size < minimum)
            throw new TextureBiasException($"--size {options.Size} is too small: VGG-19 needs at least {minimum} pixels to reach {VggEncoder.LayerName(layers[^1])} " +
                $"(use --size {minimum} or more, 0 to keep each image's size, or shallower --layers)");
    }

    /// <summary>
    /// Null when a texture of <paramref name="source"/> can be made with <paramref name="options"/>;
    /// else why not (the image, as <see cref="Prepare"/> makes it, is too small for the layers).
    /// </summary>
    public static string? SizeProblem(RgbImage source, TextureSynthesisOptions options)
    {
        int last = LayerIndices(options.Layers)[^1];
        return options.Size > 0 ? VggEncoder.SizeProblem(options.Size, options.Size, last) : VggEncoder.SizeProblem(source.Width, source.Height, last);
    }

    /// <summary>The loss weight of a layer: 1000 / channels².</summary>
    public static double LayerWeight(int channels) => 1e3 / ((double)channels * channels);

    /// <summary>The Gram matrices of <paramref name="image"/> [1,3,H,W] at <paramref name="layers"/>, without gradients.</summary>
    public static Tensor[] Grams(VggEncoder encoder, Tensor image, IReadOnlyList<int> layers)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var grams = encoder.Features(image, layers).Select(GramMatrix.Of).ToArray();
        foreach (var g in grams) g.MoveToOuterDisposeScope();
        return grams;
    }

    /// <summary>Σ over layers of weight · mean squared difference between the image's Gram matrices and <paramref name="targets"/>.</summary>
    public static Tensor Loss(VggEncoder encoder, Tensor image, IReadOnlyList<Tensor> targets, IReadOnlyList<int> layers)
    {
        using var scope = NewDisposeScope();
        var features = encoder.Features(image, layers);
        Tensor? total = null;
        for (int l = 0; l < layers.Count; l++)
        {
            var term = nn.functional.mse_loss(GramMatrix.Of(features[l]), targets[l]).Times(LayerWeight((int)features[l].shape[1]));
            total = total is null ? term : total.Plus(term);
        }
        return total!.MoveToOuterDisposeScope();
    }

    /// <summary>The source as the synthesis sees it: resized (shorter side) and centre-cropped to <see cref="TextureSynthesisOptions.Size"/>.</summary>
    public static RgbImage Prepare(RgbImage source, int size) =>
        size == 0 ? source : Preprocessing.CenterCrop(Preprocessing.ResizeShorterSide(source, size), size);

    /// <summary>
    /// Synthesises a texture of <paramref name="source"/> on <paramref name="device"/> (null: where
    /// the encoder is; the encoder is moved there). <paramref name="progress"/> gets the
    /// evaluation count and the loss after each evaluation.
    /// </summary>
    /// <exception cref="TextureBiasException">The options are wrong, or the image is too small for the layers (<see cref="SizeProblem"/>).</exception>
    public static RgbImage Synthesize(VggEncoder encoder, RgbImage source, TextureSynthesisOptions options,
        Action<int, double>? progress = null, CancellationToken cancel = default, Device? device = null)
    {
        CheckOptions(options);
        if (SizeProblem(source, options) is { } problem) throw new TextureBiasException(problem);
        var layers = LayerIndices(options.Layers);
        var target = Prepare(source, options.Size);
        var on = OnDevice(encoder, device);
        using var frozen = Freeze(encoder);
        using var scope = NewDisposeScope();
        var grams = Grams(encoder, Devices.Upload(target.ToTensor().unsqueeze(0), on), layers);
        var x = StartingNoise(target.Height, target.Width, options.Seed, on);
        Optimise(x, () => Loss(encoder, x, grams, layers), options.Iterations, progress, cancel);
        using (no_grad()) return RgbImage.FromTensor(x[0].clamp(SafeScalars.Zero, SafeScalars.One));
    }

    /// <summary>
    /// Texturises every image under <paramref name="dataDir"/> into <paramref name="outDir"/>
    /// (same relative paths, PNG). Outputs are written atomically and kept on a re-run, so a
    /// stopped job continues where it was; unreadable images, images too small for the layers
    /// (with <see cref="TextureSynthesisOptions.Size"/> 0), and images whose output cannot be
    /// theirs (an earlier image has it, as <c>a.jpg</c> has <c>a.png</c>'s; its name is too long)
    /// are reported, listed in <c>skipped.csv</c> and passed over. <paramref name="progress"/>
    /// gets (images done, images, iteration, loss). Runs on <paramref name="device"/> (null: where the encoder is).
    /// </summary>
    /// <exception cref="TextureBiasException">The options are wrong (before any work) or the folder is missing.</exception>
    public static FolderJobReport RunFolder(VggEncoder encoder, string dataDir, string outDir, TextureSynthesisOptions options,
        Action<Data.ImageFailure>? onFailure = null, Action<int, int, int, double>? progress = null, CancellationToken cancel = default, Device? device = null)
    {
        CheckOptions(options);
        var on = OnDevice(encoder, device);
        if (!Directory.Exists(dataDir)) throw new TextureBiasException($"{dataDir}: no such folder");
        var files = Data.ImageFiles.Find(new[] { dataDir });
        Directory.CreateDirectory(outDir);
        int written = 0, kept = 0, done = 0;
        var skipped = new List<string>();
        void Skip(string file, string reason)
        {
            skipped.Add(Data.CsvText.SkippedLine(file, reason));
            onFailure?.Invoke(new Data.ImageFailure(file, reason));
        }
        var names = new Data.OutputNames(outDir);
        foreach (var file in files)
        {
            cancel.ThrowIfCancellationRequested();
            string target = OutputPath(dataDir, file, outDir);
            if (names.Claim(file, target) is { } refused) Skip(file, refused);
            else if (File.Exists(target)) kept++;
            else
            {
                RgbImage? source = null;
                try { source = ImageDecoder.Decode(file); }
                catch (ImageDecodeException e) { Skip(file, e.Reason); }
                if (source is not null && SizeProblem(source, options) is { } problem) Skip(file, problem);
                else if (source is not null)
                {
                    var result = Synthesize(encoder, source, options, (i, loss) => progress?.Invoke(done, files.Count, i, loss), cancel, on);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    ImageEncoder.Save(target, result, SkiaSharp.SKEncodedImageFormat.Png);
                    written++;
                }
            }
            done++;
            progress?.Invoke(done, files.Count, 0, double.NaN);
        }
        string list = Path.Combine(outDir, "skipped.csv");
        Data.CsvText.WriteSkipped(list, skipped);
        return new FolderJobReport(written, kept, skipped.Count, list);
    }

    /// <summary>Where the texture of <paramref name="file"/> goes: its path relative to <paramref name="dataDir"/> under <paramref name="outDir"/>, as PNG.</summary>
    public static string OutputPath(string dataDir, string file, string outDir) =>
        Path.Combine(outDir, Path.ChangeExtension(Path.GetRelativePath(dataDir, file), ".png"));

    /// <summary>Runs L-BFGS on <paramref name="x"/> until <paramref name="iterations"/> loss evaluations, as Gatys' loop does.</summary>
    internal static void Optimise(Tensor x, Func<Tensor> loss, int iterations, Action<int, double>? progress, CancellationToken cancel)
    {
        if (iterations < 1) throw new TextureBiasException("at least one iteration is needed");
        using var lbfgs = new Lbfgs(x);
        int evaluations = 0;
        while (evaluations < iterations)
        {
            cancel.ThrowIfCancellationRequested();
            lbfgs.Step(() =>
            {
                using var scope = NewDisposeScope();
                x.grad?.zero_();
                var l = loss();
                l.backward();
                double value = l.item<float>();
                evaluations++; // not inside ?.Invoke(...): its arguments are skipped when there is no listener
                progress?.Invoke(evaluations, value);
                return value;
            });
        }
    }

    /// <summary>
    /// The device an L-BFGS job runs on: <paramref name="device"/> (the encoder is moved there) or,
    /// when null, the encoder's. cuDNN's benchmark mode is turned on for CUDA: each image keeps its
    /// size through its hundreds of evaluations.
    /// </summary>
    internal static Device OnDevice(VggEncoder encoder, Device? device)
    {
        var on = Devices.Place(encoder, device);
        Devices.TuneFor(on, fixedSize: true);
        return on;
    }

    /// <summary>
    /// Uniform noise [1,3,<paramref name="height"/>,<paramref name="width"/>] from <paramref name="seed"/>,
    /// drawn on the CPU (the same numbers on every device) and put on <paramref name="device"/>, as a leaf that requires grad.
    /// </summary>
    internal static Tensor StartingNoise(int height, int width, int seed, Device device)
    {
        var noise = rand(new long[] { 1, 3, height, width }, device: Devices.Cpu, generator: new Generator((ulong)seed));
        return Devices.On(noise, device).requires_grad_();
    }

    /// <summary>Turns off the encoder's parameter gradients (only the image is optimised) until disposed.</summary>
    internal static IDisposable Freeze(VggEncoder encoder)
    {
        var parameters = encoder.parameters().Where(p => p.requires_grad).ToList();
        foreach (var p in parameters) p.requires_grad = false;
        encoder.eval();
        return new Restore(() => { foreach (var p in parameters) p.requires_grad = true; });
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
