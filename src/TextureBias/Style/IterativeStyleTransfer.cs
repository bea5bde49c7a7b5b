using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// Gatys, Ecker &amp; Bethge (2016), "Image style transfer using convolutional neural networks":
/// an image is optimised (with L-BFGS, from the content image) so that its VGG-19 features at
/// one layer match the content's and its Gram matrices at several layers match the style's.
/// The texture-vs-shape cue-conflict stimuli were made this way.
/// </summary>
public static class IterativeStyleTransfer
{
    /// <summary>
    /// The smallest side (after resizing) of the content image (<paramref name="content"/> true:
    /// it and the result pass all layers) or of the style image (the style layers), that reaches
    /// the deepest layer used: 17 pixels with relu5_1, 9 up to relu4_x.
    /// </summary>
    public static int MinimumSide(IterativeStyleOptions options, bool content)
    {
        var style = TextureSynthesis.LayerIndices(options.StyleLayers);
        int last = content ? Math.Max(style[^1], TextureSynthesis.LayerIndices(new[] { options.ContentLayer })[0]) : style[^1];
        return VggEncoder.MinimumSide(last);
    }

    /// <summary>Refuses options no pair of images can be run with (layers, a too small size, iterations), before any work.</summary>
    /// <exception cref="TextureBiasException">One line naming the option.</exception>
    public static void CheckOptions(IterativeStyleOptions options)
    {
        TextureSynthesis.LayerIndices(options.StyleLayers.Append(options.ContentLayer).ToList());
        if (options.Size < 0) throw new TextureBiasException("--size must be 0 (keep the sizes) or positive");
        if (options.Iterations < 1) throw new TextureBiasException("--iters must be at least 1");
        int minimum = MinimumSide(options, content: true);
        if (options.Size > 0 && options.Size < minimum)
            throw new TextureBiasException($"--size {options.Size} is too small: VGG-19 needs at least {minimum} pixels for these layers " +
                $"(use --size {minimum} or more, 0 to keep the images' sizes, or shallower layers)");
    }

    /// <summary>
    /// Null when <paramref name="image"/>, as content (<paramref name="content"/> true) or style,
    /// is large enough after resizing to <see cref="IterativeStyleOptions.Size"/>; else why not.
    /// </summary>
    public static string? SizeProblem(RgbImage image, IterativeStyleOptions options, bool content)
    {
        int minimum = MinimumSide(options, content);
        int shorter = options.Size > 0 ? options.Size : Math.Min(image.Width, image.Height);
        if (shorter >= minimum) return null;
        return options.Size > 0
            ? $"--size {options.Size} is smaller than the {minimum} pixels VGG-19 needs for these layers"
            : $"image is {image.Width}x{image.Height}, smaller than the {minimum} pixels VGG-19 needs for these layers";
    }

    /// <summary>
    /// The content rendered in the style's texture, computed on <paramref name="device"/> (null:
    /// where the encoder is; the encoder is moved there) in float32; starting noise is drawn on the CPU and uploaded.
    /// </summary>
    /// <exception cref="TextureBiasException">The options are wrong, or an image is too small for the layers (<see cref="SizeProblem"/>).</exception>
    public static RgbImage Transfer(VggEncoder encoder, RgbImage content, RgbImage style, IterativeStyleOptions options,
        Action<int, double>? progress = null, CancellationToken cancel = default, Device? device = null)
    {
        CheckOptions(options);
        if (SizeProblem(content, options, content: true) is { } contentProblem) throw new TextureBiasException($"content: {contentProblem}");
        if (SizeProblem(style, options, content: false) is { } styleProblem) throw new TextureBiasException($"style: {styleProblem}");
        var styleLayers = TextureSynthesis.LayerIndices(options.StyleLayers);
        int contentLayer = TextureSynthesis.LayerIndices(new[] { options.ContentLayer })[0];
        var layers = styleLayers.Append(contentLayer).Distinct().Order().ToArray();
        int contentAt = Array.IndexOf(layers, contentLayer);
        var styleAt = styleLayers.Select(l => Array.IndexOf(layers, l)).ToArray();
        var c = options.Size == 0 ? content : Preprocessing.ResizeShorterSide(content, options.Size);
        var s = options.Size == 0 ? style : Preprocessing.ResizeShorterSide(style, options.Size);
        var on = TextureSynthesis.OnDevice(encoder, device);
        using var frozen = TextureSynthesis.Freeze(encoder);
        using var scope = NewDisposeScope();
        var contentInput = Devices.Upload(c.ToTensor().unsqueeze(0), on);
        var grams = TextureSynthesis.Grams(encoder, Devices.Upload(s.ToTensor().unsqueeze(0), on), styleLayers);
        Tensor contentTarget;
        using (no_grad()) contentTarget = encoder.Features(contentInput, new[] { contentLayer })[0];
        var x = options.StartFromContent
            ? contentInput.clone().requires_grad_()
            : TextureSynthesis.StartingNoise(c.Height, c.Width, options.Seed, on);
        TextureSynthesis.Optimise(x, () =>
        {
            var features = encoder.Features(x, layers);
            Tensor loss = nn.functional.mse_loss(features[contentAt], contentTarget).Times(options.ContentWeight);
            for (int l = 0; l < styleAt.Length; l++)
            {
                var f = features[styleAt[l]];
                var term = nn.functional.mse_loss(GramMatrix.Of(f), grams[l]).Times(TextureSynthesis.LayerWeight((int)f.shape[1]) * options.StyleWeight);
                loss = loss.Plus(term);
            }
            return loss;
        }, options.Iterations, progress, cancel);
        using (no_grad()) return RgbImage.FromTensor(x[0].clamp(SafeScalars.Zero, SafeScalars.One));
    }
}
