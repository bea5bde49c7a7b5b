using TextureBias.Imaging;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Attribution;

/// <summary>The attribution heatmaps of one image for one or more classes (<see cref="Attributions"/>), with the image as the network saw it.</summary>
/// <param name="Image">The image after resizing and cropping (what the maps refer to).</param>
/// <param name="Maps">[classes, H, W] on the CPU: each class's attributions summed over the colour channels. Owned by this record.</param>
/// <param name="Classes">The class of each map.</param>
/// <param name="Method">How the maps were computed.</param>
/// <param name="Logits">The image's logits (all classes).</param>
public sealed record AttributionMaps(RgbImage Image, Tensor Maps, IReadOnlyList<int> Classes, AttributionMethod Method, float[] Logits) : IDisposable
{
    /// <summary>
    /// Computes the maps of <paramref name="classes"/> (the top-1 class when null or empty) for <paramref name="image"/>, the
    /// network moved to <paramref name="device"/> (null: where it is); the maps and logits come back to the CPU.
    /// </summary>
    public static AttributionMaps Compute(ImageClassifier model, RgbImage image, Preprocessing preprocessing, IReadOnlyList<int>? classes,
        AttributionMethod method, AttributionOptions? options = null, Device? device = null)
    {
        var shown = preprocessing.Geometry(image);
        if (Math.Min(shown.Width, shown.Height) < model.MinimumInputSize)
            throw new TextureBiasException($"the image is {shown.Width}x{shown.Height} after preprocessing, smaller than the {model.MinimumInputSize} pixels {model.Architecture} needs");
        model.eval();
        var on = Devices.Place(model, device);
        using var scope = NewDisposeScope();
        var input = Devices.Upload((preprocessing with { Resize = 0, Crop = 0 }).Apply(shown).unsqueeze(0), on);
        float[] logits;
        using (no_grad()) logits = Devices.On(model.forward(input)[0], Devices.Cpu).data<float>().ToArray();
        if (classes is null || classes.Count == 0) classes = [Array.IndexOf(logits, logits.Max())];
        var batch = input.expand(classes.Count, -1, -1, -1).contiguous();
        var attributions = Attributions.Compute(model, batch, classes, method, options);
        var maps = Devices.On(Attributions.Heatmaps(attributions), Devices.Cpu);
        return new AttributionMaps(shown, maps.MoveToOuterDisposeScope(), classes.ToArray(), method, logits);
    }

    /// <summary>The panel titles: class index, the model's name of the class and the image logit.</summary>
    public IReadOnlyList<string> Titles(ImageClassifier model) =>
        Classes.Select(k => $"{k} {model.ClassName(k)} (logit {Logits[k]:0.00})").ToList();

    /// <summary>Disposes the maps.</summary>
    public void Dispose() => Maps.Dispose();
}
