using System.Text;
using TextureBias.Imaging;

namespace TextureBias.Tests.Detection;

/// <summary>Tiny VOCdevkit and COCO folders for the detection data tests.</summary>
internal static class DetectionDataFolders
{
    /// <summary>One object of an annotation: name, xmin, ymin, xmax, ymax, difficult.</summary>
    public sealed record Obj(string Name, int X1, int Y1, int X2, int Y2, bool Difficult = false);

    /// <summary>Writes VOCdevkit/VOC{year}: the set file, annotations (with &lt;size&gt; unless <paramref name="withSize"/> is false) and JPEG images.</summary>
    public static void WriteVoc(string devkit, string year, string set, IReadOnlyDictionary<string, (int W, int H, Obj[] Objects)> images, bool withSize = true)
    {
        string root = Path.Combine(devkit, $"VOC{year}");
        Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Main"));
        Directory.CreateDirectory(Path.Combine(root, "Annotations"));
        Directory.CreateDirectory(Path.Combine(root, "JPEGImages"));
        File.WriteAllText(Path.Combine(root, "ImageSets", "Main", set + ".txt"), string.Join("\n", images.Keys) + "\n");
        foreach (var (id, (w, h, objects)) in images)
        {
            var sb = new StringBuilder($"<annotation><folder>VOC{year}</folder><filename>{id}.jpg</filename>");
            if (withSize) sb.Append($"<size><width>{w}</width><height>{h}</height><depth>3</depth></size>");
            foreach (var o in objects)
                sb.Append($"<object><name>{o.Name}</name><difficult>{(o.Difficult ? 1 : 0)}</difficult><bndbox><xmin>{o.X1}</xmin><ymin>{o.Y1}</ymin><xmax>{o.X2}</xmax><ymax>{o.Y2}</ymax></bndbox></object>");
            sb.Append("</annotation>");
            File.WriteAllText(Path.Combine(root, "Annotations", id + ".xml"), sb.ToString());
            var px = new byte[w * h * 3];
            new Random(id.GetHashCode()).NextBytes(px);
            TestImages.WriteJpeg(Path.Combine(root, "JPEGImages", id + ".jpg"), new RgbImage(w, h, px));
        }
    }
}
