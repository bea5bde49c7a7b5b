using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextureBias.Detection;

/// <summary>
/// A COCO instances file (<c>instances_val2017.json</c>): its images, box annotations and category names.
/// It is read as a stream, keeping only these fields (segmentations, captions and licences are skipped), so that
/// <c>instances_train2017.json</c> (450 MB) takes about 150 MB.
/// </summary>
/// <param name="Images">The images, in file order.</param>
/// <param name="Annotations">The annotations, in file order.</param>
/// <param name="ClassNames">
/// Names indexed by category id: torchvision's 91 <see cref="CocoCategories.Names"/> when every category of the file
/// is one of COCO's, else <c>__background__</c> then the file's names with <c>N/A</c> at unused ids.
/// </param>
/// <param name="CategoryIds">The file's category ids, ascending (pycocotools' <c>getCatIds()</c>).</param>
public sealed record CocoAnnotations(IReadOnlyList<CocoImage> Images, IReadOnlyList<CocoAnnotation> Annotations, IReadOnlyList<string> ClassNames, IReadOnlyList<int> CategoryIds)
{
    /// <summary>The most images, and the most annotations, a file may hold (COCO 2017 train: 118,287 and 860,001).</summary>
    public const int MaxEntries = 50_000_000;

    /// <summary>The largest category id accepted (COCO's is 90).</summary>
    public const int MaxCategoryId = 100_000;

    /// <summary>Reads the instances file at <paramref name="path"/>.</summary>
    /// <exception cref="TextureBiasException">The file is missing, not JSON, or not a COCO instances file.</exception>
    public static CocoAnnotations Load(string path)
    {
        if (!File.Exists(path))
            throw new TextureBiasException($"{path}: no such annotation file");
        Dto? dto;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            dto = JsonSerializer.Deserialize<Dto>(stream, Options);
        }
        catch (JsonException e)
        {
            throw new TextureBiasException($"{path}: not a COCO instances file ({OneLine(e.Message)})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException)
        {
            throw new TextureBiasException($"{path}: cannot read the annotations ({OneLine(e.Message)})", e);
        }
        if (dto is null || dto.Images is null || dto.Annotations is null || dto.Categories is null)
            throw new TextureBiasException($"{path}: not a COCO instances file (it needs \"images\", \"annotations\" and \"categories\")");
        if (dto.Images.Count > MaxEntries || dto.Annotations.Count > MaxEntries)
            throw new TextureBiasException($"{path}: more than {MaxEntries} images or annotations");

        var images = new List<CocoImage>(dto.Images.Count);
        var imageIds = new HashSet<long>();
        for (int i = 0; i < dto.Images.Count; i++)
        {
            var m = dto.Images[i];
            string where = $"{path}: images[{i}]";
            if (m?.Id is not { } id) throw new TextureBiasException($"{where} has no \"id\"");
            if (string.IsNullOrWhiteSpace(m.FileName)) throw new TextureBiasException($"{where} (id {id}) has no \"file_name\"");
            if (Path.IsPathRooted(m.FileName) || m.FileName.Split('/', '\\').Contains(".."))
                throw new TextureBiasException($"{where} (id {id}): file_name '{m.FileName}' leaves the images folder");
            if (m.Width is not { } w || m.Height is not { } h || w < 1 || h < 1)
                throw new TextureBiasException($"{where} (id {id}) has no positive \"width\" and \"height\"");
            if (!imageIds.Add(id)) throw new TextureBiasException($"{where}: image id {id} appears twice");
            images.Add(new CocoImage(id, m.FileName, w, h));
        }

        var categories = new SortedDictionary<int, string>();
        for (int i = 0; i < dto.Categories.Count; i++)
        {
            var c = dto.Categories[i];
            string where = $"{path}: categories[{i}]";
            if (c?.Id is not { } id || id < 1 || id > MaxCategoryId)
                throw new TextureBiasException($"{where} has no \"id\" in 1..{MaxCategoryId}");
            if (!categories.TryAdd(id, string.IsNullOrWhiteSpace(c.Name) ? $"category {id}" : c.Name))
                throw new TextureBiasException($"{where}: category id {id} appears twice");
        }

        var annotations = new List<CocoAnnotation>(dto.Annotations.Count);
        for (int i = 0; i < dto.Annotations.Count; i++)
        {
            var a = dto.Annotations[i];
            string where = $"{path}: annotations[{i}]";
            if (a?.ImageId is not { } imageId) throw new TextureBiasException($"{where} has no \"image_id\"");
            if (!imageIds.Contains(imageId)) throw new TextureBiasException($"{where}: image_id {imageId} is not among the images");
            if (a.CategoryId is not { } category || !categories.ContainsKey(category))
                throw new TextureBiasException($"{where}: category_id {a.CategoryId?.ToString() ?? "missing"} is not among the categories");
            if (a.Bbox is not { Length: 4 } b || b.Any(v => !double.IsFinite(v)))
                throw new TextureBiasException($"{where} has no \"bbox\" of 4 finite numbers");
            annotations.Add(new CocoAnnotation(a.Id ?? i + 1, imageId, category, b[0], b[1], b[2], b[3], a.Area ?? 0, (a.IsCrowd ?? 0) != 0));
        }

        bool coco = categories.All(c => c.Key < CocoCategories.Names.Count && CocoCategories.Names[c.Key] == c.Value);
        IReadOnlyList<string> names;
        if (coco)
            names = CocoCategories.Names;
        else
        {
            int count = categories.Count == 0 ? 1 : categories.Keys.Max() + 1;
            var list = Enumerable.Repeat(CocoCategories.Gap, count).ToArray();
            list[0] = "__background__";
            foreach (var (id, name) in categories) list[id] = name;
            names = list;
        }
        return new CocoAnnotations(images, annotations, names, categories.Keys.ToList());
    }

    static readonly JsonSerializerOptions Options = new()
    {
        MaxDepth = 64,
        NumberHandling = JsonNumberHandling.Strict,
    };

    static string OneLine(string text) => text.ReplaceLineEndings(" ");

    sealed class Dto
    {
        [JsonPropertyName("images")] public List<ImageDto?>? Images { get; set; }
        [JsonPropertyName("annotations")] public List<AnnotationDto?>? Annotations { get; set; }
        [JsonPropertyName("categories")] public List<CategoryDto?>? Categories { get; set; }
    }

    sealed class ImageDto
    {
        [JsonPropertyName("id")] public long? Id { get; set; }
        [JsonPropertyName("file_name")] public string? FileName { get; set; }
        [JsonPropertyName("width")] public int? Width { get; set; }
        [JsonPropertyName("height")] public int? Height { get; set; }
    }

    sealed class AnnotationDto
    {
        [JsonPropertyName("id")] public long? Id { get; set; }
        [JsonPropertyName("image_id")] public long? ImageId { get; set; }
        [JsonPropertyName("category_id")] public int? CategoryId { get; set; }
        [JsonPropertyName("bbox")] public double[]? Bbox { get; set; }
        [JsonPropertyName("area")] public double? Area { get; set; }
        [JsonPropertyName("iscrowd")] public int? IsCrowd { get; set; }
    }

    sealed class CategoryDto
    {
        [JsonPropertyName("id")] public int? Id { get; set; }
        [JsonPropertyName("name")] public string? Name { get; set; }
    }
}
