using TextureBias.Detection;
using Xunit;

namespace TextureBias.Tests.Detection;

public class DetectionFilesTests : TempDirTest
{
    string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void CsvWriterAppendsAndResumes()
    {
        var path = Path.Combine(_dir, "detections.csv");
        var a = new DetectionRow("000001", "dog", 0.9, 1.5, 2, 30.25, 40);
        var b = new DetectionRow("000001", "cat", 0.123456789012345, 3, 4, 5, 6);
        var c = new DetectionRow("000002", "dog", 0.5, 7, 8, 9, 10);
        using (var w = DetectionCsvWriter.Open(path))
        {
            Assert.Empty(w.Done);
            w.Write([a, b]);
        }
        // an interrupted write: a partial last line
        System.IO.File.AppendAllText(path, "000002,dog,0.5,7");
        using (var w = DetectionCsvWriter.Open(path))
        {
            Assert.Equal(["000001"], w.Done);
            w.Write([c]);
        }
        Assert.Equal([a, b, c], DetectionFiles.ReadCsv(path));
        Assert.StartsWith(DetectionFiles.CsvHeader + "\n000001,dog,0.9,1.5,2,30.25,40\n", System.IO.File.ReadAllText(path));
    }

    [Theory]
    [InlineData("image,cls\n", "the first line is 'image,cls', not the header image_id,class,score,x1,y1,x2,y2")]
    [InlineData("image_id,class,score,x1,y1,x2,y2\n1,dog,0.5,1,2,3\n", "line 2 has 6 fields, not 7 (image_id,class,score,x1,y1,x2,y2)")]
    [InlineData("image_id,class,score,x1,y1,x2,y2\n1,dog,0.5,1,2,3,4\n1,dog,high,1,2,3,4\n", "line 3: score is 'high', not a finite number")]
    [InlineData("image_id,class,score,x1,y1,x2,y2\n1,dog,0.5,1,2,3,NaN\n", "line 2: y2 is 'NaN', not a finite number")]
    public void MalformedCsvIsOneLine(string text, string cause)
    {
        var path = File("d.csv", text);
        var e = Assert.Throws<TextureBiasException>(() => DetectionFiles.ReadCsv(path));
        Assert.Equal($"{path}: {cause}", e.Message);
    }

    [Fact]
    public void ReadsPyFasterRcnnPerClassFiles()
    {
        File("comp4_det_test_cat.txt", "000001 0.9 1 2 3 4\n\n000002 0.25 5.5 6 7 8\n");
        File("comp4_det_test_dog.txt", "");
        var rows = DetectionFiles.ReadPerClass(Path.Combine(_dir, "comp4_det_test_{}.txt"), ["__background__", "cat", "dog"]);
        Assert.Equal([new DetectionRow("000001", "cat", 0.9, 1, 2, 3, 4), new DetectionRow("000002", "cat", 0.25, 5.5, 6, 7, 8)], rows);

        var e = Assert.Throws<TextureBiasException>(() => DetectionFiles.ReadPerClass(Path.Combine(_dir, "comp4_det_test_{}.txt"), ["__background__", "cat", "bird"]));
        Assert.Equal($"{Path.Combine(_dir, "comp4_det_test_bird.txt")}: no such detections file (class 'bird' of --detections {Path.Combine(_dir, "comp4_det_test_{}.txt")})", e.Message);
        File("comp4_det_test_dog.txt", "000001 0.9 1 2 3\n");
        e = Assert.Throws<TextureBiasException>(() => DetectionFiles.ReadPerClass(Path.Combine(_dir, "comp4_det_test_{}.txt"), ["__background__", "dog"]));
        Assert.Equal($"{Path.Combine(_dir, "comp4_det_test_dog.txt")}: line 1 has 5 fields, not 6 (image_id score x1 y1 x2 y2)", e.Message);
    }

    [Fact]
    public void ReadsCocoResults()
    {
        var path = File("r.json", """[{"image_id": 42, "category_id": 18, "bbox": [1.5, 2, 3, 4], "score": 0.75}]""");
        Assert.Equal([new CocoResult(42, 18, 0.75, 1.5, 2, 3, 4)], DetectionFiles.ReadCocoJson(path));
        path = File("s.json", """[{"image_id": 42, "category_id": 18, "score": 0.75}]""");
        var e = Assert.Throws<TextureBiasException>(() => DetectionFiles.ReadCocoJson(path));
        Assert.Equal($"{path}: entry 0 has no \"bbox\" of 4 finite numbers", e.Message);
        path = File("t.json", "{\"oops\"");
        e = Assert.Throws<TextureBiasException>(() => DetectionFiles.ReadCocoJson(path));
        Assert.StartsWith($"{path}: not a COCO results file", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void CsvRowsOfVocAreScoredInVocCoordinates()
    {
        // one dog 1..10 x 1..10 (VOC, inclusive); a detection at the same VOC numbers is a perfect match
        var data = new DetectionDataset("VOC2007 test", VocDataset.ClassNames,
            [new DetectionSample("000001", "x.jpg", 20, 20, [VocDataset.ToModel(new VocObject("dog", 1, 1, 10, 10, false), 12)])]);
        var result = DetectionEvaluation.ScoreVoc(data, [new DetectionRow("000001", "dog", 0.9, 1, 1, 10, 10)], VocApMetric.Area, "d.csv");
        Assert.Equal(1.0, result.Classes.Single(c => c.ClassName == "dog").Ap);
        // the model's coordinates written unconverted (x1 = 0) would lose: IoU 81/119 under VOC's +1 convention
        Assert.Equal(81.0 / 119, VocAp.Iou(new VocDetection("000001", "dog", 1, 0, 0, 9, 9), new VocObject("dog", 1, 1, 10, 10, false)), 12);
        var e = Assert.Throws<TextureBiasException>(() => DetectionEvaluation.ScoreVoc(data, [new DetectionRow("000001", "unicorn", 0.9, 1, 1, 10, 10)], VocApMetric.Area, "d.csv"));
        Assert.Equal("d.csv: detection 1 has class 'unicorn', not one of VOC2007 test's", e.Message);
    }

    [Fact]
    public void CsvRowsOfCocoBecomeResultsByNameOrId()
    {
        var truth = new CocoAnnotations([new CocoImage(7, "a.jpg", 50, 50)], [], CocoCategories.Names, [18]);
        var results = DetectionEvaluation.ToCoco(truth, [new DetectionRow("7", "dog", 0.5, 1.5, 2, 11.5, 22), new DetectionRow("7", "12", 0.25, 0, 0, 1, 1)], "d.csv");
        Assert.Equal([new CocoResult(7, 18, 0.5, 1.5, 2, 10, 20), new CocoResult(7, 12, 0.25, 0, 0, 1, 1)], results);
        var e = Assert.Throws<TextureBiasException>(() => DetectionEvaluation.ToCoco(truth, [new DetectionRow("x7", "dog", 0.5, 0, 0, 1, 1)], "d.csv"));
        Assert.Equal("d.csv: detection 1 has image_id 'x7', not a COCO image id", e.Message);
    }
}
