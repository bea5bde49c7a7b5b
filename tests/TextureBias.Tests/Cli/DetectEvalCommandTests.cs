using System.Text.Json.Nodes;
using TextureBias.Tests.Detection;
using Xunit;
using static TextureBias.Tests.Detection.DetectionDataFolders;

namespace TextureBias.Tests.Cli;

/// <summary><c>texturebias detect-eval --detections</c> end to end, and its mistakes.</summary>
public class DetectEvalCommandTests : TempDirTest
{
    string Devkit => Path.Combine(_dir, "VOCdevkit");

    void WriteDevkit() => WriteVoc(Devkit, "2007", "test", new Dictionary<string, (int, int, Obj[])>
    {
        ["000001"] = (40, 40, [new Obj("dog", 1, 1, 10, 10), new Obj("cat", 5, 5, 20, 20)]),
        ["000002"] = (40, 40, [new Obj("dog", 11, 11, 30, 30), new Obj("dog", 1, 1, 5, 5, Difficult: true)]),
    });

    string WriteFile(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ScoresOurCsvAsVocEval()
    {
        WriteDevkit();
        // dog: TP, FP, TP (+ one on the difficult dog: neither) -> recall .5 .5 1, precision 1 .5 2/3;
        // 11-point: 6 thresholds (0 ... 0.5) at 1, 5 at 2/3. cat: no detection, AP 0. The other 18 classes have no objects.
        var csv = WriteFile("d.csv", """
            image_id,class,score,x1,y1,x2,y2
            000001,dog,0.9,1,1,10,10
            000002,dog,0.8,31,31,40,40
            000002,dog,0.75,1,1,5,5
            000002,dog,0.7,11,11,30,30
            """);
        var output = Path.Combine(_dir, "eval");
        var r = CliRunner.Run("detect-eval", "--detections", csv, "--voc", Devkit, "--year", "2007", "--set", "test", "--out", output);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        double dog = (6 + 5 * (2.0 / 3)) / 11;
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "results.json")))!;
        Assert.Equal("voc07-11point", (string)json["metric"]!);
        Assert.Equal(dog / 2, (double)json["map"]!, 12);
        var classes = json["classes"]!.AsArray();
        Assert.Equal(20, classes.Count);
        Assert.Equal(dog, (double)classes.Single(c => (string)c!["class"]! == "dog")!["ap"]!, 12);
        Assert.Null(classes.Single(c => (string)c!["class"]! == "bird")!["ap"]);
        Assert.Contains($"mAP@0.5 {100 * dog / 2:0.00}", r.Stdout);

        // the area metric: 0.5 * 1 + 0.5 * 2/3
        r = CliRunner.Run("detect-eval", "--detections", csv, "--voc", Devkit, "--metric", "area", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal((0.5 + 0.5 * (2.0 / 3)) / 2, (double)JsonNode.Parse(r.Stdout)!["map"]!, 12);

        // a finished evaluation is not overwritten unasked
        r = CliRunner.Run("detect-eval", "--detections", csv, "--voc", Devkit, "--out", output);
        CliRunner.AssertOneLineError(r, $"{output} already holds a finished evaluation (results.json); --force to redo it");
    }

    [Fact]
    public void ScoresPyFasterRcnnFilesAndCocoResults()
    {
        WriteDevkit();
        foreach (var c in new[] { "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "chair", "cow", "diningtable", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor" })
            WriteFile($"comp4_det_test_{c}.txt", "");
        WriteFile("comp4_det_test_dog.txt", "000001 0.9 1 1 10 10\n000002 0.7 11 11 30 30\n");
        WriteFile("comp4_det_test_cat.txt", "000001 0.6 5 5 20 20\n");
        var r = CliRunner.Run("detect-eval", "--detections", Path.Combine(_dir, "comp4_det_test_{}.txt"), "--voc", Devkit, "--json");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(1.0, (double)JsonNode.Parse(r.Stdout)!["map"]!, 12);

        Directory.CreateDirectory(Path.Combine(_dir, "val"));
        var instances = WriteFile("instances.json", """
            {"images": [{"id": 7, "file_name": "a.jpg", "width": 50, "height": 50}],
             "annotations": [{"id": 1, "image_id": 7, "category_id": 18, "bbox": [10, 10, 20, 20], "area": 400, "iscrowd": 0}],
             "categories": [{"id": 18, "name": "dog"}]}
            """);
        // a false positive ranked first: precision 1/2 at every recall
        var results = WriteFile("results.json", """
            [{"image_id": 7, "category_id": 18, "bbox": [40, 40, 5, 5], "score": 0.9},
             {"image_id": 7, "category_id": 18, "bbox": [10, 10, 20, 20], "score": 0.8}]
            """);
        r = CliRunner.Run("detect-eval", "--detections", results, "--coco", Path.Combine(_dir, "val"), "--annotations", instances, "--json");
        CliRunner.AssertNoStackTrace(r);
        var json = JsonNode.Parse(r.Stdout)!;
        Assert.Equal(0.5, (double)json["map50"]!, 12);
        Assert.Equal(0.5, (double)json["map50_95"]!, 12);
    }

    [Fact]
    public void MistakesAreOneLine()
    {
        WriteDevkit();
        var csv = WriteFile("d.csv", "image_id,class,score,x1,y1,x2,y2\n000001,dog,0.9,1,1,10\n");
        CliRunner.AssertOneLineError(CliRunner.Run("detect-eval", "--detections", csv, "--voc", Devkit),
            $"{csv}: line 2 has 6 fields, not 7 (image_id,class,score,x1,y1,x2,y2)");
        var unknown = WriteFile("u.csv", "image_id,class,score,x1,y1,x2,y2\n000009,dog,0.9,1,1,10,10\n");
        CliRunner.AssertOneLineError(CliRunner.Run("detect-eval", "--detections", unknown, "--voc", Devkit),
            $"{unknown}: detection 1 is on image '000009', which is not in VOC2007 test");
        CliRunner.AssertOneLineError(CliRunner.Run("detect-eval", "--detections", csv, "--weights", csv, "--voc", Devkit),
            "give either --weights (run a detector) or --detections (score a file)");
        CliRunner.AssertOneLineError(CliRunner.Run("detect-eval", "--detections", csv),
            "give either --voc VOCdevkit or --coco IMAGES --annotations F.json");
        CliRunner.AssertOneLineError(CliRunner.Run("detect-eval", "--detections", csv, "--voc", Devkit, "--year", "2012"),
            $"{Path.Combine(Devkit, "VOC2012")}: no such folder (is {Devkit} a VOCdevkit with VOC2012?)");
    }
}
