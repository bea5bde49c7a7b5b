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
    /// <summary>The content rendered in the style's texture.</summary>
    public static RgbImage Transfer(VggEncoder encoder, RgbImage content, RgbImage style, IterativeStyleOptions options,
        Action<int, double>? progress = null, CancellationToken cancel = default)
    {
        var styleLayers = TextureSynthesis.LayerIndices(options.StyleLayers);
        int contentLayer = TextureSynthesis.LayerIndices(new[] { options.ContentLayer })[0];
        var layers = styleLayers.Append(contentLayer).Distinct().Order().ToArray();
        int contentAt = Array.IndexOf(layers, contentLayer);
        var styleAt = styleLayers.Select(l => Array.IndexOf(layers, l)).ToArray();
        var c = options.Size == 0 ? content : Preprocessing.ResizeShorterSide(content, options.Size);
        var s = options.Size == 0 ? style : Preprocessing.ResizeShorterSide(style, options.Size);
        using var frozen = TextureSynthesis.Freeze(encoder);
        using var scope = NewDisposeScope();
        var contentInput = c.ToTensor().unsqueeze(0);
        var grams = TextureSynthesis.Grams(encoder, s.ToTensor().unsqueeze(0), styleLayers);
        Tensor contentTarget;
        using (no_grad()) contentTarget = encoder.Features(contentInput, new[] { contentLayer })[0];
        var x = options.StartFromContent
            ? contentInput.clone().requires_grad_()
            : rand(new long[] { 1, 3, c.Height, c.Width }, generator: new Generator((ulong)options.Seed)).requires_grad_();
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
