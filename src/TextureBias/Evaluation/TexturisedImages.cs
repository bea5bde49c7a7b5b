using System.Security.Cryptography;
using System.Text;
using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Style;

namespace TextureBias.Evaluation;

/// <summary>
/// The BagNet paper's texturised images as a scrambling method: each image (after the
/// evaluation's resize and crop) is replaced by its Gram-matrix texture
/// (<see cref="TextureSynthesis"/>), which keeps the local statistics and destroys the layout.
/// Textures take minutes each, so they are cached on disk, keyed by the image (path, size and
/// time), the preprocessing, the synthesis settings and the weight file, so a re-run, or a
/// stopped one, only makes what is missing.
/// </summary>
public static class TexturisedImages
{
    /// <summary>The default cache: <c>textures</c> in <see cref="CacheFolders.Root"/> (<c>~/.cache/texturebias/textures</c>).</summary>
    public static string DefaultCache => CacheFolders.Textures;

    /// <summary>The cache file of one image.</summary>
    public static string CachePath(string cacheDir, string image, Preprocessing preprocessing, TextureSynthesisOptions options, string weightsKey)
    {
        var info = new FileInfo(image);
        string key = string.Join("|", Path.GetFullPath(image), info.Length, info.LastWriteTimeUtc.Ticks, preprocessing.Resize, preprocessing.Crop,
            options.Size, options.Iterations, options.Seed, string.Join(",", options.Layers), weightsKey);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32].ToLowerInvariant();
        return Path.Combine(cacheDir, hash[..2], hash + ".png");
    }

    /// <summary>A key of a weight file: its full path, size and modification time.</summary>
    public static string WeightsKey(string path)
    {
        var info = new FileInfo(path);
        return $"{Path.GetFullPath(path)}:{info.Length}:{info.LastWriteTimeUtc.Ticks}";
    }

    /// <summary>
    /// Refuses settings no image could be texturised with, before any work: wrong layers or
    /// iterations, or a resize or crop smaller than the layers need.
    /// </summary>
    /// <exception cref="TextureBiasException">One line naming the option.</exception>
    public static void CheckOptions(Preprocessing preprocessing, TextureSynthesisOptions options)
    {
        TextureSynthesis.CheckOptions(options with { Size = 0 });
        int minimum = TextureSynthesis.MinimumSide(options.Layers);
        var (option, side) = preprocessing.Crop > 0 ? ("--crop", preprocessing.Crop) : ("--resize", preprocessing.Resize);
        if (side > 0 && side < minimum)
            throw new TextureBiasException($"{option} {side} is too small to texturise: VGG-19 needs at least {minimum} pixels for these layers");
    }

    /// <summary>
    /// Top-1/top-5 of <paramref name="model"/> on the texturised images of <paramref name="data"/>;
    /// missing textures are made first (<paramref name="progress"/>: images ready, images).
    /// Unreadable images, and images too small (after preprocessing) for the texture layers, are
    /// reported and skipped. Textures (<see cref="TextureSynthesis.Synthesize"/>) and
    /// <paramref name="model"/> are made and run on <paramref name="device"/> when given (the
    /// networks are moved there), else where each network is.
    /// </summary>
    public static EvaluationResult Evaluate(ImageClassifier model, ImageFolder data, Preprocessing preprocessing, VggEncoder encoder, string weightsKey,
        TextureSynthesisOptions options, string cacheDir, int batchSize = 32, Action<ImageFailure>? onFailure = null,
        Action<int, int>? progress = null, CancellationToken cancel = default, TorchSharp.torch.Device? device = null)
    {
        CheckOptions(preprocessing, options);
        var textureOptions = options with { Size = 0 }; // the texture has the preprocessed image's size
        var targets = data.Samples.Select(s => CachePath(cacheDir, s.Path, preprocessing, textureOptions, weightsKey)).ToList();
        var failures = new Dictionary<int, string>(); // why an image has no texture
        for (int i = 0; i < targets.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            string path = data.Samples[i].Path, target = targets[i];
            if (!File.Exists(target))
            {
                try
                {
                    var image = preprocessing.Geometry(ImageDecoder.Decode(path));
                    if (TextureSynthesis.SizeProblem(image, textureOptions) is { } problem) failures[i] = $"{problem} (after preprocessing)";
                    else
                    {
                        var texture = TextureSynthesis.Synthesize(encoder, image, textureOptions, cancel: cancel, device: device);
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        ImageEncoder.Save(target, texture, SKEncodedImageFormat.Png);
                    }
                }
                catch (ImageDecodeException e)
                {
                    failures[i] = e.Reason; // reported and skipped by the evaluation below
                }
            }
            progress?.Invoke(i + 1, targets.Count);
        }
        return Evaluator.Run(model, data, (_, position) => failures.TryGetValue(position, out var reason)
            ? throw new ImageDecodeException(data.Samples[position].Path, reason)
            : ImageDecoder.Decode(targets[position]), batchSize, onFailure, null, cancel, device: device);
    }
}
