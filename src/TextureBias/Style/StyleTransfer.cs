using TextureBias.Models;
using TextureBias.Imaging;
using TextureBias.Models.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// Arbitrary style transfer with AdaIN, as pytorch-AdaIN's <c>test.py</c>: encode content and
/// style to relu4_1, give the content features the style's channel statistics, mix with the
/// content features by alpha, decode. Images are plain [0,1] RGB (no ImageNet normalisation).
/// </summary>
public sealed class StyleTransfer : IDisposable
{
    /// <summary>Wraps an encoder and a decoder (put in eval mode).</summary>
    public StyleTransfer(VggEncoder encoder, AdaInDecoder decoder)
    {
        Encoder = encoder;
        Decoder = decoder;
        Encoder.eval();
        Decoder.eval();
    }

    /// <summary>The smallest side of an image the encoder takes (up to relu4_1, after three max-pools): 9 pixels.</summary>
    public static int MinimumSide { get; } = VggEncoder.MinimumSide(VggEncoder.AdaInLast);

    /// <summary>What needs <see cref="MinimumSide"/>, in messages.</summary>
    public const string EncoderName = "AdaIN's VGG encoder (relu4_1)";

    /// <summary>Refuses a size option (shorter side after resizing; 0 keeps the size) that no image would pass the encoder with.</summary>
    /// <exception cref="TextureBiasException">One line naming <paramref name="option"/>.</exception>
    public static void CheckSize(string option, int size)
    {
        if (size < 0) throw new TextureBiasException($"{option} must be 0 (keep the size) or positive");
        if (size > 0 && size < MinimumSide)
            throw new TextureBiasException($"{option} {size} is too small: {EncoderName} needs at least {MinimumSide} pixels (0 keeps each image's size)");
    }

    /// <summary>
    /// Null when <paramref name="image"/>, resized to the shorter side <paramref name="size"/>
    /// (0: kept), can pass the encoder; else why not.
    /// </summary>
    public static string? SizeProblem(RgbImage image, int size)
    {
        int shorter = size > 0 ? size : Math.Min(image.Width, image.Height);
        if (shorter >= MinimumSide) return null;
        return size > 0
            ? $"the size {size} is smaller than the {MinimumSide} pixels {EncoderName} needs"
            : $"image is {image.Width}x{image.Height}, smaller than the {MinimumSide} pixels {EncoderName} needs";
    }

    /// <summary>The VGG encoder.</summary>
    public VggEncoder Encoder { get; }

    /// <summary>The decoder.</summary>
    public AdaInDecoder Decoder { get; }

    /// <summary>Loads <c>vgg_normalised.pth</c> and <c>decoder.pth</c> (legacy or zip PyTorch format, or safetensors).</summary>
    /// <exception cref="WeightFileException">A file is unreadable or is not that network.</exception>
    public static StyleTransfer Load(string vggPath, string decoderPath)
    {
        var encoder = new VggEncoder();
        var decoder = new AdaInDecoder();
        try
        {
            ModelWeights.Load(encoder, vggPath);
            ModelWeights.Load(decoder, decoderPath);
        }
        catch
        {
            encoder.Dispose();
            decoder.Dispose();
            throw;
        }
        return new StyleTransfer(encoder, decoder);
    }

    /// <summary>
    /// The decoder's output [1,3,H',W'] (not clamped) for content [1,3,H,W] and one or more
    /// styles [1,3,h,w] in [0,1]. Several styles are mixed by <paramref name="weights"/>
    /// (normalised); each style may have its own size.
    /// </summary>
    public Tensor Stylize(Tensor content, IReadOnlyList<Tensor> styles, double alpha = 1.0, IReadOnlyList<double>? weights = null)
    {
        if (alpha < 0 || alpha > 1) throw new TextureBiasException($"alpha must be in [0, 1], got {alpha}");
        if (styles.Count == 0) throw new ArgumentException("at least one style is needed");
        var w = Weights(styles.Count, weights);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var contentFeatures = Encoder.forward(content);
        Tensor feat;
        if (styles.Count == 1 && weights is null)
            feat = AdaIn.Apply(contentFeatures, Encoder.forward(styles[0]));
        else
        {
            feat = zeros_like(contentFeatures);
            for (int i = 0; i < styles.Count; i++)
                feat = feat.Plus(AdaIn.Apply(contentFeatures, Encoder.forward(styles[i])).Times(w[i]));
        }
        feat = feat.Times(alpha).Plus(contentFeatures.Times(1 - alpha));
        return Decoder.forward(feat).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Stylises images with test.py's preprocessing (Resize of the shorter side, optional centre
    /// crop, ToTensor) and saving (×255, round, clamp): the result as written to disk.
    /// </summary>
    /// <exception cref="TextureBiasException">An image is too small for the encoder (<see cref="SizeProblem"/>).</exception>
    public RgbImage Stylize(RgbImage content, IReadOnlyList<RgbImage> styles, StyleOptions options)
    {
        if (SizeProblem(content, options.ContentSize) is { } problem) throw new TextureBiasException($"content: {problem}");
        for (int i = 0; i < styles.Count; i++)
            if (SizeProblem(styles[i], options.StyleSize) is { } p) throw new TextureBiasException($"style {i + 1}: {p}");
        using var scope = NewDisposeScope();
        var c = new Preprocessing(options.ContentSize, options.Crop ? options.ContentSize : 0).Geometry(content).ToTensor();
        var s = styles.Select(st => new Preprocessing(options.StyleSize, options.Crop ? options.StyleSize : 0).Geometry(st).ToTensor()).ToList();
        if (options.PreserveColor) s = s.Select(st => AdaIn.Coral(st, c)).ToList();
        var output = Stylize(c.unsqueeze(0), s.Select(t => t.unsqueeze(0)).ToList(), options.Alpha, options.StyleWeights);
        return RgbImage.FromTensor(output[0]);
    }

    private static double[] Weights(int count, IReadOnlyList<double>? weights)
    {
        if (weights is null) return Enumerable.Repeat(1.0 / count, count).ToArray();
        if (weights.Count != count) throw new TextureBiasException($"{weights.Count} style weights for {count} styles");
        if (weights.Any(x => x < 0 || double.IsNaN(x)) || weights.Sum() <= 0) throw new TextureBiasException("style weights must be non-negative and not all zero");
        double sum = weights.Sum();
        return weights.Select(x => x / sum).ToArray();
    }

    /// <summary>Disposes both networks.</summary>
    public void Dispose()
    {
        Encoder.Dispose();
        Decoder.Dispose();
    }
}
