using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;

namespace TextureBias.Style;

/// <summary>
/// Makes a cue-conflict set as Geirhos et al. did: every shape image (<c>SHAPES/&lt;category&gt;/&lt;image&gt;</c>)
/// rendered by <see cref="IterativeStyleTransfer"/> in the texture of every texture image of every
/// other category (<c>TEXTURES/&lt;category&gt;/&lt;image&gt;</c>), named in the texture-vs-shape layout
/// <c>&lt;shape&gt;/&lt;shape&gt;N-&lt;texture&gt;M.png</c> (N, M: the images' positions, from 1, in their
/// sorted category folders), which <see cref="Evaluation.ShapeBias"/> reads directly.
/// </summary>
public static class CueConflictStimuli
{
    /// <summary>The stimuli to make, in order.</summary>
    /// <exception cref="TextureBiasException">A folder is missing or empty, or a category name would not survive the naming (digits, '-' or '_').</exception>
    public static IReadOnlyList<CueConflictPair> Plan(string shapesDir, string texturesDir)
    {
        var shapes = Categories(shapesDir, "shape");
        var textures = Categories(texturesDir, "texture");
        var pairs = new List<CueConflictPair>();
        foreach (var (shapeCategory, shapeImages) in shapes)
            for (int n = 0; n < shapeImages.Count; n++)
                foreach (var (textureCategory, textureImages) in textures)
                {
                    if (textureCategory == shapeCategory) continue;
                    for (int m = 0; m < textureImages.Count; m++)
                        pairs.Add(new CueConflictPair(shapeImages[n], textureImages[m],
                            Path.Combine(shapeCategory, $"{shapeCategory}{n + 1}-{textureCategory}{m + 1}.png")));
                }
        if (pairs.Count == 0) throw new TextureBiasException($"no pairs: {texturesDir} has no category other than those of {shapesDir}");
        return pairs;
    }

    private static List<(string Category, List<string> Images)> Categories(string root, string what)
    {
        if (!Directory.Exists(root)) throw new TextureBiasException($"{root}: no such {what} folder");
        var result = new List<(string, List<string>)>();
        foreach (var name in FolderWalker.Subfolders(root))
        {
            string dir = Path.Combine(root, name);
            if (name.Any(c => char.IsDigit(c) || c is '-' or '_'))
                throw new TextureBiasException($"{dir}: category names must not hold digits, '-' or '_' (the stimulus names would be ambiguous)");
            var images = ImageFiles.Find(new[] { dir }).ToList();
            if (images.Count > 0) result.Add((name, images));
        }
        if (result.Count == 0) throw new TextureBiasException($"{root}: no category folders with images (layout: ROOT/<category>/<image>)");
        return result;
    }

    /// <summary>
    /// Makes every planned stimulus that is not there yet (outputs written atomically, so a
    /// stopped job continues); unreadable inputs, and inputs too small for the layers (with
    /// <see cref="IterativeStyleOptions.Size"/> 0), are reported, listed in <c>skipped.csv</c>
    /// and passed over, as are stimuli whose file name would be too long.
    /// <paramref name="progress"/> gets (stimuli done, stimuli, iteration, loss). Runs on
    /// <paramref name="device"/> (null: where the encoder is).
    /// </summary>
    /// <exception cref="TextureBiasException">The options are wrong (before any work), or a folder is missing or has a bad category name.</exception>
    public static FolderJobReport Make(VggEncoder encoder, string shapesDir, string texturesDir, string outDir, IterativeStyleOptions options,
        Action<ImageFailure>? onFailure = null, Action<int, int, int, double>? progress = null, CancellationToken cancel = default, TorchSharp.torch.Device? device = null)
    {
        IterativeStyleTransfer.CheckOptions(options);
        var pairs = Plan(shapesDir, texturesDir);
        Directory.CreateDirectory(outDir);
        var cache = new Dictionary<string, RgbImage?>();
        var skipped = new List<string>();
        var bad = new HashSet<string>();
        var shapes = pairs.Select(p => p.Shape).ToHashSet();
        void Skip(string path, string reason)
        {
            skipped.Add(CsvText.SkippedLine(path, reason));
            onFailure?.Invoke(new ImageFailure(path, reason));
        }
        RgbImage? Load(string path)
        {
            if (cache.TryGetValue(path, out var image)) return image;
            try
            {
                image = ImageDecoder.Decode(path);
                // Shapes are contents (they and the result pass every layer), textures styles.
                if (IterativeStyleTransfer.SizeProblem(image, options, content: shapes.Contains(path)) is { } problem)
                {
                    image = null;
                    Skip(path, problem);
                }
            }
            catch (ImageDecodeException e)
            {
                image = null;
                Skip(path, e.Reason);
            }
            if (cache.Count > 64) cache.Clear(); // bounded: shapes change slowly, textures cycle
            cache[path] = image;
            if (image is null) bad.Add(path);
            return image;
        }
        int written = 0, kept = 0, done = 0;
        var names = new OutputNames(outDir);
        foreach (var pair in pairs)
        {
            cancel.ThrowIfCancellationRequested();
            string target = Path.Combine(outDir, pair.Output);
            if (names.Claim($"{pair.Shape} in the texture of {pair.Texture}", target) is { } refused) Skip(pair.Shape, $"with {pair.Texture}: {refused}");
            else if (File.Exists(target)) kept++;
            else if (!bad.Contains(pair.Shape) && !bad.Contains(pair.Texture) && Load(pair.Shape) is { } shape && Load(pair.Texture) is { } texture)
            {
                var stimulus = IterativeStyleTransfer.Transfer(encoder, shape, texture, options, (i, loss) => progress?.Invoke(done, pairs.Count, i, loss), cancel, device);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                ImageEncoder.Save(target, stimulus, SKEncodedImageFormat.Png);
                written++;
            }
            done++;
            progress?.Invoke(done, pairs.Count, 0, double.NaN);
        }
        string list = Path.Combine(outDir, "skipped.csv");
        CsvText.WriteSkipped(list, skipped);
        return new FolderJobReport(written, kept, skipped.Count, list);
    }
}
