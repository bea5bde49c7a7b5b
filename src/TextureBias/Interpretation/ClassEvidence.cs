using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Interpretation;

/// <summary>
/// The class-evidence maps of one image: the preprocessed image as the network saw it and, per
/// class, the logit of the patch centred on each pixel (<see cref="Stride"/> 1) or of each
/// patch of the stride-8 grid (<see cref="Stride"/> 8).
/// </summary>
/// <param name="Image">The image after resizing and cropping (what the maps refer to).</param>
/// <param name="Maps">[classes, H, W] at stride 1, or [classes, H', W'] at stride 8, on the CPU. Owned by this record.</param>
/// <param name="Classes">The class of each map.</param>
/// <param name="Stride">1 (dense) or 8 (one forward pass).</param>
/// <param name="PatchSize">q, the side of the patches.</param>
/// <param name="Logits">The image logits (all classes).</param>
public sealed record ClassEvidence(RgbImage Image, Tensor Maps, IReadOnlyList<int> Classes, int Stride, int PatchSize, float[] Logits) : IDisposable
{
    /// <summary>
    /// Computes the maps of <paramref name="classes"/> (the top-1 class when null or empty) for an
    /// image; at stride 1 <paramref name="padding"/> is what border patches see beyond it. The
    /// network runs on <paramref name="device"/> when given (the model is moved there), else where
    /// it is; the maps come back to the CPU.
    /// </summary>
    public static ClassEvidence Compute(BagNet model, RgbImage image, Preprocessing preprocessing, IReadOnlyList<int>? classes = null, int stride = 1, int tile = 224,
        HeatmapPadding padding = HeatmapPadding.Zeros, Device? device = null)
    {
        if (stride is not (1 or 8)) throw new TextureBiasException("--stride must be 1 (dense) or 8 (one forward pass)");
        var shown = preprocessing.Geometry(image);
        if (shown.Width < model.ReceptiveField || shown.Height < model.ReceptiveField)
            throw new TextureBiasException($"the image is {shown.Width}x{shown.Height} after preprocessing, smaller than {model.Architecture}'s {model.ReceptiveField}-pixel patches");
        var on = Devices.Place(model, device);
        model.eval();
        using var scope = NewDisposeScope();
        var input = Devices.Upload((preprocessing with { Resize = 0, Crop = 0 }).Apply(shown), on);
        float[] logits;
        using (no_grad()) logits = Devices.On(model.forward(input.unsqueeze(0))[0], Devices.Cpu).data<float>().ToArray();
        if (classes is null || classes.Count == 0)
            classes = new[] { Array.IndexOf(logits, logits.Max()) };
        var maps = stride == 1 ? Heatmap.Dense(model, input, classes, tile, padding) : Heatmap.Coarse(model, input, classes);
        return new ClassEvidence(shown, Devices.On(maps, Devices.Cpu).MoveToOuterDisposeScope(), classes.ToArray(), stride, model.ReceptiveField, logits);
    }

    /// <summary>
    /// The maps on the image's pixel grid: as they are at stride 1; at stride 8 each patch's
    /// value fills the 8×8 block around the patch centre, NaN where no patch is centred.
    /// </summary>
    public Tensor OnPixelGrid()
    {
        if (Stride == 1) return Maps.alias();
        using var scope = NewDisposeScope();
        var grid = Models.SafeScalars.Full(float.NaN, Maps.shape[0], Image.Height, Image.Width);
        int c = (PatchSize - 1) / 2;
        for (int i = 0; i < Maps.shape[1]; i++)
        for (int j = 0; j < Maps.shape[2]; j++)
        {
            int y0 = Math.Max(0, 8 * i + c - 4), x0 = Math.Max(0, 8 * j + c - 4);
            int y1 = Math.Min(Image.Height, 8 * i + c + 4), x1 = Math.Min(Image.Width, 8 * j + c + 4);
            grid.narrow(1, y0, y1 - y0).narrow(2, x0, x1 - x0).copy_(Maps[.., i, j].view(-1, 1, 1).expand(-1, y1 - y0, x1 - x0));
        }
        return grid.MoveToOuterDisposeScope();
    }

    /// <summary>The panel titles: class index, the model's name of the class (<see cref="ImageClassifier.ClassName"/>) and image logit.</summary>
    public IReadOnlyList<string> Titles(ImageClassifier model) =>
        Classes.Select(k => $"{k} {model.ClassName(k)} (logit {Logits[k]:0.00})").ToList();

    /// <summary>Disposes the maps.</summary>
    public void Dispose() => Maps.Dispose();
}
