using TextureBias.Detection;
using Xunit;

namespace TextureBias.Tests.Detection;

public class CocoDatasetTests : TempDirTest
{
    // image 1: a person and a crowd; 2: only a box 1 pixel wide; 3: no annotation; 4: only a crowd; 5: a box past the right edge
    const string Instances = """
        {"info": {"year": 2017}, "licenses": [],
         "images": [
           {"id": 5, "file_name": "e.jpg", "width": 50, "height": 40},
           {"id": 1, "file_name": "a.jpg", "width": 100, "height": 80},
           {"id": 2, "file_name": "b.jpg", "width": 100, "height": 80},
           {"id": 3, "file_name": "c.jpg", "width": 100, "height": 80},
           {"id": 4, "file_name": "d.jpg", "width": 100, "height": 80}],
         "annotations": [
           {"id": 11, "image_id": 1, "category_id": 1, "bbox": [10.5, 20, 30, 40.25], "area": 900, "iscrowd": 0, "segmentation": [[1,2,3,4,5,6]]},
           {"id": 12, "image_id": 1, "category_id": 18, "bbox": [0, 0, 50, 50], "area": 2500, "iscrowd": 1, "segmentation": {"counts": [1, 2], "size": [80, 100]}},
           {"id": 13, "image_id": 2, "category_id": 1, "bbox": [5, 5, 1, 30], "area": 30, "iscrowd": 0},
           {"id": 14, "image_id": 4, "category_id": 18, "bbox": [5, 5, 20, 30], "area": 600, "iscrowd": 1},
           {"id": 15, "image_id": 5, "category_id": 90, "bbox": [40, 10, 20, 10], "area": 200, "iscrowd": 0}],
         "categories": [{"id": 1, "name": "person", "supercategory": "person"}, {"id": 18, "name": "dog"}, {"id": 90, "name": "toothbrush"}]}
        """;

    string WriteInstances(string text)
    {
        var path = Path.Combine(_dir, "instances.json");
        File.WriteAllText(path, text);
        Directory.CreateDirectory(Path.Combine(_dir, "images"));
        return path;
    }

    [Fact]
    public void EvaluationKeepsEveryImageSortedById()
    {
        var data = CocoDataset.Load(Path.Combine(_dir, "images"), WriteInstances(Instances), training: false);
        Assert.Equal(91, data.ClassNames.Count);
        Assert.Equal("dog", data.ClassNames[18]);
        Assert.Equal("N/A", data.ClassNames[12]);
        Assert.Equal(["1", "2", "3", "4", "5"], data.Samples.Select(s => s.Id));
        var first = data.Samples[0];
        Assert.Equal(Path.Combine(_dir, "images", "a.jpg"), first.ImagePath);
        Assert.Equal((100, 80), (first.Width, first.Height));
        Assert.Equal([new DetectionObject(1, 10.5f, 20f, 40.5f, 60.25f, false), new DetectionObject(18, 0, 0, 50, 50, true)], first.Objects);
        Assert.Equal(new DetectionObject(90, 40, 10, 60, 20, false), data.Samples[4].Objects[0]);
    }

    [Fact]
    public void TrainingRemovesImagesAsTorchvisionsReferences()
    {
        var data = CocoDataset.Load(Path.Combine(_dir, "images"), WriteInstances(Instances), training: true);
        // 2 (only a box 1 wide) and 3 (none) are removed; 4 (a crowd with a real box) stays, as _has_valid_annotation counts crowds
        Assert.Equal(["1", "4", "5"], data.Samples.Select(s => s.Id));
        // boxes clamped to the image
        Assert.Equal(new DetectionObject(90, 40, 10, 50, 20, false), data.Samples[2].Objects[0]);
    }

    [Fact]
    public void OtherCategoriesGetTheirNamesWithGaps()
    {
        var path = WriteInstances("""
            {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}], "annotations": [],
             "categories": [{"id": 3, "name": "triangle"}, {"id": 1, "name": "square"}]}
            """);
        var annotations = CocoAnnotations.Load(path);
        Assert.Equal(["__background__", "square", "N/A", "triangle"], annotations.ClassNames);
        Assert.Equal([1, 3], annotations.CategoryIds);
    }

    [Theory]
    [InlineData("{\"images\": [", "not a COCO instances file")]
    [InlineData("[1, 2]", "not a COCO instances file")]
    [InlineData("{\"images\": []}", "not a COCO instances file (it needs \"images\", \"annotations\" and \"categories\")")]
    [InlineData("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 10, \"height\": 10}], \"categories\": [], \"annotations\": [{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3, 4]}]}",
        "annotations[0]: category_id 1 is not among the categories")]
    [InlineData("{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\", \"width\": 10, \"height\": 10}], \"categories\": [{\"id\": 1, \"name\": \"a\"}], \"annotations\": [{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3]}]}",
        "annotations[0] has no \"bbox\" of 4 finite numbers")]
    [InlineData("{\"images\": [{\"id\": 1, \"file_name\": \"../a.jpg\", \"width\": 10, \"height\": 10}], \"categories\": [], \"annotations\": []}",
        "images[0] (id 1): file_name '../a.jpg' leaves the images folder")]
    public void MalformedFilesAreOneLineNamingTheFile(string text, string cause)
    {
        var path = WriteInstances(text);
        var e = Assert.Throws<TextureBiasException>(() => CocoAnnotations.Load(path));
        Assert.StartsWith($"{path}: {cause}", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
