using System.Text.Json.Nodes;
using TextureBias.Imaging;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>Runs a detector on one image (<c>detect</c>) and writes what it found as JSON.</summary>
public static class ImageDetection
{
    /// <summary>
    /// The objects <paramref name="model"/> (put in eval mode) finds in <paramref name="image"/> with a score of at least
    /// <paramref name="scoreThreshold"/>, best first, boxes in the image's pixels.
    /// </summary>
    public static IReadOnlyList<DetectedBox> Run(FasterRcnn model, RgbImage image, IReadOnlyList<string> classNames, float scoreThreshold, Device? device = null)
    {
        var on = Devices.Place(model, device);
        model.eval();
        return Find(model, image, classNames, scoreThreshold, on);
    }

    /// <summary>
    /// <see cref="Run"/> for a model already in eval mode on <paramref name="on"/> (the per-image step of a batch job):
    /// the objects scoring at least <paramref name="scoreThreshold"/>, best first, named from <paramref name="classNames"/>
    /// (a label beyond them by its number).
    /// </summary>
    internal static IReadOnlyList<DetectedBox> Find(FasterRcnn model, RgbImage image, IReadOnlyList<string> classNames, float scoreThreshold, Device on)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var d = model.Detect([Devices.Upload(image.ToTensor(), on)])[0];
        if (d.Scores.shape[0] == 0) return []; // TorchSharp's ToArray throws on an empty tensor
        var boxes = d.Boxes.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var labels = d.Labels.to(ScalarType.Int64).cpu().contiguous().data<long>().ToArray();
        var scores = d.Scores.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var found = new List<DetectedBox>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!(scores[i] >= scoreThreshold)) continue;
            long label = labels[i];
            string name = label >= 0 && label < classNames.Count ? classNames[(int)label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture);
            found.Add(new DetectedBox(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], label, name, scores[i]));
        }
        return found;
    }

    /// <summary>
    /// <c>{"boxes": [[x1, y1, x2, y2], ...], "labels": [...], "label_names": [...], "scores": [...]}</c>, as torchvision's
    /// detectors return them (boxes in the image's pixels).
    /// </summary>
    public static JsonObject ToJson(IReadOnlyList<DetectedBox> boxes)
    {
        var b = new JsonArray();
        var labels = new JsonArray();
        var names = new JsonArray();
        var scores = new JsonArray();
        foreach (var x in boxes)
        {
            b.Add(new JsonArray(x.X1, x.Y1, x.X2, x.Y2));
            labels.Add(x.Label);
            names.Add(x.Name);
            scores.Add(x.Score);
        }
        return new JsonObject { ["boxes"] = b, ["labels"] = labels, ["label_names"] = names, ["scores"] = scores };
    }
}
