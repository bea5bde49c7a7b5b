using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace TextureBias.Detection;

/// <summary>
/// A PASCAL VOC annotation file (<c>Annotations/000005.xml</c>): the objects it lists, read as
/// py-faster-rcnn's <c>parse_rec</c> reads them (every <c>&lt;object&gt;</c> directly under
/// <c>&lt;annotation&gt;</c>, its <c>&lt;name&gt;</c>, <c>&lt;difficult&gt;</c> and
/// <c>&lt;bndbox&gt;</c> xmin/ymin/xmax/ymax, in file order).
/// </summary>
/// <remarks>
/// Differences from <c>parse_rec</c>, all where it would crash: a missing <c>&lt;difficult&gt;</c> means not
/// difficult (as torchvision's VOC reader; VOC2012 has objects without it); <c>&lt;pose&gt;</c> and
/// <c>&lt;truncated&gt;</c> are not needed; coordinates may be written with a decimal point
/// (<c>parse_rec</c>'s <c>int()</c> accepts only integers). Files that are not XML, lack a field,
/// hold a DTD (entity expansion) or are larger than <see cref="MaxBytes"/> are refused with a
/// one-line <see cref="TextureBiasException"/> naming the file.
/// </remarks>
/// <param name="Objects">The objects, in file order.</param>
/// <param name="FileName">The image file named in <c>&lt;filename&gt;</c>, or null if absent.</param>
public sealed record VocAnnotation(IReadOnlyList<VocObject> Objects, string? FileName)
{
    /// <summary>The image width in <c>&lt;size&gt;&lt;width&gt;</c>, or null if absent or not a positive integer.</summary>
    public int? Width { get; init; }

    /// <summary>The image height in <c>&lt;size&gt;&lt;height&gt;</c>, or null if absent or not a positive integer.</summary>
    public int? Height { get; init; }

    /// <summary>The largest annotation file read (VOC's are a few KiB).</summary>
    public const long MaxBytes = 4L * 1024 * 1024;

    /// <summary>Reads the annotation at <paramref name="path"/>.</summary>
    /// <exception cref="TextureBiasException">The file is missing, too large, not XML, or not a VOC annotation.</exception>
    public static VocAnnotation Load(string path)
    {
        FileInfo info = new(path);
        if (!info.Exists)
            throw new TextureBiasException($"{path}: no such annotation file");
        if (info.Length > MaxBytes)
            throw new TextureBiasException($"{path}: {info.Length} bytes, larger than the {MaxBytes} bytes a VOC annotation may have");
        try
        {
            using var stream = File.OpenRead(path);
            return Parse(stream, path);
        }
        catch (IOException e)
        {
            throw new TextureBiasException($"{path}: cannot read the annotation ({OneLine(e.Message)})", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new TextureBiasException($"{path}: cannot read the annotation ({OneLine(e.Message)})", e);
        }
    }

    /// <summary>Reads an annotation from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="TextureBiasException">The stream is too large, not XML, or not a VOC annotation.</exception>
    public static VocAnnotation Parse(Stream stream, string source)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxBytes,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(stream, settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new TextureBiasException($"{source}: not a readable XML annotation ({OneLine(e.Message)})", e);
        }
        var root = document.Root;
        if (root is null || root.Name.LocalName != "annotation")
            throw new TextureBiasException($"{source}: the root element is <{root?.Name.LocalName}>, not <annotation>");
        var objects = new List<VocObject>();
        int index = 0;
        foreach (var element in root.Elements("object"))
        {
            index++;
            string where = $"{source}: object {index}";
            string name = Text(element, "name", where);
            var difficultElement = element.Element("difficult");
            bool difficult = difficultElement is not null && Integer(difficultElement.Value, where, "difficult") != 0;
            var box = element.Element("bndbox") ?? throw new TextureBiasException($"{where} has no <bndbox>");
            double x1 = Coordinate(box, "xmin", where), y1 = Coordinate(box, "ymin", where);
            double x2 = Coordinate(box, "xmax", where), y2 = Coordinate(box, "ymax", where);
            objects.Add(new VocObject(name, x1, y1, x2, y2, difficult));
        }
        string? fileName = root.Element("filename")?.Value.Trim();
        var size = root.Element("size");
        return new VocAnnotation(objects, string.IsNullOrEmpty(fileName) ? null : fileName)
        {
            Width = Positive(size?.Element("width")),
            Height = Positive(size?.Element("height")),
        };
    }

    static int? Positive(XElement? element)
    {
        if (element is null) return null;
        string text = element.Value.Trim();
        // Some annotations write sizes as "500.0".
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 1 && v <= int.MaxValue && v == Math.Floor(v)
            ? (int)v : null;
    }

    static string Text(XElement parent, string child, string where)
    {
        var element = parent.Element(child) ?? throw new TextureBiasException($"{where} has no <{child}>");
        string text = element.Value.Trim();
        if (text.Length == 0)
            throw new TextureBiasException($"{where}: <{child}> is empty");
        return text;
    }

    static double Coordinate(XElement box, string child, string where)
    {
        string text = Text(box, child, where);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new TextureBiasException($"{where}: <{child}> is '{Clip(text)}', not a number");
        return value;
    }

    static int Integer(string raw, string where, string child)
    {
        string text = raw.Trim();
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw new TextureBiasException($"{where}: <{child}> is '{Clip(text)}', not an integer");
        return value;
    }

    static string Clip(string text) => OneLine(text.Length > 40 ? text[..40] + "…" : text);

    static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
