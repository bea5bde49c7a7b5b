using TextureBias.Data;
using TextureBias.Detection;
using TextureBias.Imaging;
using Xunit;
using static TextureBias.Tests.Detection.DetectionDataFolders;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

public class DetectionEvaluationTests : TempDirTest
{
    /// <summary>A tiny detector of VOC's 21 classes that keeps every box (random weights score about 1/21).</summary>
    internal static readonly FasterRcnnOptions Tiny = FasterRcnnOptions.Torchvision with
    {
        Backbone = "resnet18", BackboneWidth = 8, FpnChannels = 16, NumClasses = 21, RepresentationSize = 32,
        MinSize = 64, MaxSize = 96, RpnPreNmsTopNTest = 100, RpnPostNmsTopNTest = 50, BoxScoreThreshold = 0f, BoxDetectionsPerImage = 20,
    };

    string Devkit => Path.Combine(_dir, "VOCdevkit");

    internal static void WriteDevkit(string devkit)
    {
        WriteVoc(devkit, "2007", "test", new Dictionary<string, (int, int, Obj[])>
        {
            ["000001"] = (48, 40, [new Obj("dog", 1, 1, 30, 30)]),
            ["000002"] = (40, 40, [new Obj("cat", 5, 5, 20, 20)]),
            ["000003"] = (40, 48, [new Obj("car", 10, 10, 40, 40)]),
        });
        File.WriteAllBytes(Path.Combine(devkit, "VOC2007", "JPEGImages", "000002.jpg"), [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3]);
    }

    [Fact]
    public void DetectsInVocCoordinatesSkipsBadImagesAndResumes()
    {
        WriteDevkit(Devkit);
        var data = VocDataset.Load(Devkit, ["2007"], "test");
        using var model = new FasterRcnn(Tiny);
        model.eval();
        string csv = Path.Combine(_dir, "out", "detections.csv");
        var failures = new List<ImageFailure>();
        var summary = DetectionEvaluation.Detect(model, data, csv, vocCoordinates: true, failure: failures.Add);
        Assert.Equal(new DetectionRunSummary(2, 1, 0), summary);
        Assert.Equal([Path.Combine(Devkit, "VOC2007", "JPEGImages", "000002.jpg")], failures.Select(f => f.Path));
        var rows = DetectionFiles.ReadCsv(csv);

        // The same image through the model directly: boxes + 1 at the top-left, VOC's class names.
        Detections direct;
        using (no_grad())
            direct = model.Detect([ImageDecoder.Decode(data.Samples[0].ImagePath).ToTensor()])[0];
        var boxes = direct.Boxes.data<float>().ToArray();
        var labels = direct.Labels.data<long>().ToArray();
        var scores = direct.Scores.data<float>().ToArray();
        var first = rows.Where(r => r.ImageId == "000001").ToList();
        Assert.True(labels.Length > 0);
        Assert.Equal(labels.Length, first.Count);
        for (int i = 0; i < labels.Length; i++)
            Assert.Equal(new DetectionRow("000001", VocDataset.ClassNames[(int)labels[i]], scores[i],
                (double)boxes[4 * i] + 1, (double)boxes[4 * i + 1] + 1, boxes[4 * i + 2], boxes[4 * i + 3]), first[i]);

        // Interrupted after the first image, in the middle of a line: the run resumes with the images not done.
        var lines = File.ReadAllLines(csv);
        File.WriteAllText(csv, string.Join("\n", lines.Take(1 + first.Count)) + "\n000003,dog,0.1,1");
        summary = DetectionEvaluation.Detect(model, data, csv, vocCoordinates: true);
        Assert.Equal(new DetectionRunSummary(1, 1, 1), summary);
        Assert.Equal(rows, DetectionFiles.ReadCsv(csv));

        var result = DetectionEvaluation.ScoreVoc(data, rows, VocApMetric.ElevenPoint, csv);
        Assert.Equal(20, result.Classes.Count);
        Assert.Equal(1, result.Classes.Single(c => c.ClassName == "cat").GroundTruths);
    }

    [Fact]
    public void RefusesADetectorOfAnotherClassCount()
    {
        WriteDevkit(Devkit);
        using var model = new FasterRcnn(Tiny with { NumClasses = 4 });
        var e = Assert.Throws<TextureBiasException>(() => DetectionEvaluation.Detect(model, VocDataset.Load(Devkit, ["2007"], "test"), Path.Combine(_dir, "d.csv"), true));
        Assert.Equal("the detector has 4 classes (with background) but VOC2007 test has 21", e.Message);
    }
}
