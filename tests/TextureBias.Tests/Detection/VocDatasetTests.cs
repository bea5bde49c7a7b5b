using TextureBias.Detection;
using Xunit;
using static TextureBias.Tests.Detection.DetectionDataFolders;

namespace TextureBias.Tests.Detection;

public class VocDatasetTests : TempDirTest
{
    string Devkit => Path.Combine(_dir, "VOCdevkit");

    [Fact]
    public void ReadsSetsOfSeveralYearsWithBoxesInModelCoordinates()
    {
        WriteVoc(Devkit, "2007", "trainval", new Dictionary<string, (int, int, Obj[])>
        {
            ["000005"] = (40, 30, [new Obj("chair", 1, 2, 10, 20), new Obj("dog", 5, 6, 40, 30, Difficult: true)]),
            ["000007"] = (20, 24, []),
        });
        WriteVoc(Devkit, "2012", "trainval", new Dictionary<string, (int, int, Obj[])>
        {
            ["2008_000001"] = (32, 16, [new Obj("tvmonitor", 3, 4, 5, 6)]),
        }, withSize: false);

        var data = VocDataset.Load(Devkit, ["2007", "2012"], "trainval");

        Assert.Equal(21, data.ClassNames.Count);
        Assert.Equal("__background__", data.ClassNames[0]);
        Assert.Equal(["000005", "000007", "2008_000001"], data.Samples.Select(s => s.Id));
        var first = data.Samples[0];
        Assert.Equal((40, 30), (first.Width, first.Height));
        Assert.Equal(Path.Combine(Devkit, "VOC2007", "JPEGImages", "000005.jpg"), first.ImagePath);
        // chair is the 9th class, dog the 12th; x1 = xmin - 1, y1 = ymin - 1, x2 = xmax, y2 = ymax
        Assert.Equal(new DetectionObject(9, 0, 1, 10, 20, false), first.Objects[0]);
        Assert.Equal(new DetectionObject(12, 4, 5, 40, 30, true), first.Objects[1]);
        Assert.Empty(data.Samples[1].Objects);
        // no <size>: the JPEG's header
        Assert.Equal((32, 16), (data.Samples[2].Width, data.Samples[2].Height));
        Assert.Equal(new DetectionObject(20, 2, 3, 5, 6, false), data.Samples[2].Objects[0]);
    }

    [Fact]
    public void GroundTruthGivesTheAnnotationsBackExactly()
    {
        WriteVoc(Devkit, "2007", "test", new Dictionary<string, (int, int, Obj[])>
        {
            ["000001"] = (500, 375, [new Obj("person", 263, 211, 324, 339), new Obj("cat", 1, 1, 500, 375, true)]),
        });
        var data = VocDataset.Load(Devkit, ["2007"], "test");
        var truth = VocDataset.GroundTruth(data);
        Assert.Equal([new VocObject("person", 263, 211, 324, 339, false), new VocObject("cat", 1, 1, 500, 375, true)], truth["000001"]);
        Assert.Equal((263.0, 211.0, 324.0, 339.0), VocDataset.ToVoc(262f, 210f, 324f, 339f));
    }

    [Fact]
    public void MissingYearIsOneLine()
    {
        WriteVoc(Devkit, "2007", "test", new Dictionary<string, (int, int, Obj[])> { ["000001"] = (8, 8, []) });
        var e = Assert.Throws<TextureBiasException>(() => VocDataset.Load(Devkit, ["2007", "2012"], "test"));
        Assert.Equal($"{Path.Combine(Devkit, "VOC2012")}: no such folder (is {Devkit} a VOCdevkit with VOC2012?)", e.Message);
        e = Assert.Throws<TextureBiasException>(() => VocDataset.Load(Devkit, ["2007"], "val"));
        Assert.Equal($"{Path.Combine(Devkit, "VOC2007", "ImageSets", "Main", "val.txt")}: no such image set file (VOC2007 has no set 'val')", e.Message);
    }

    [Fact]
    public void UnknownClassNamesTheFile()
    {
        WriteVoc(Devkit, "2007", "test", new Dictionary<string, (int, int, Obj[])> { ["000001"] = (8, 8, [new Obj("unicorn", 1, 1, 4, 4)]) });
        var e = Assert.Throws<TextureBiasException>(() => VocDataset.Load(Devkit, ["2007"], "test"));
        Assert.StartsWith($"{Path.Combine(Devkit, "VOC2007", "Annotations", "000001.xml")}: unknown class 'unicorn'", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void MissingAnnotationIsOneLine()
    {
        WriteVoc(Devkit, "2007", "test", new Dictionary<string, (int, int, Obj[])> { ["000001"] = (8, 8, []) });
        File.AppendAllText(Path.Combine(Devkit, "VOC2007", "ImageSets", "Main", "test.txt"), "000002\n");
        var e = Assert.Throws<TextureBiasException>(() => VocDataset.Load(Devkit, ["2007"], "test"));
        Assert.Equal($"{Path.Combine(Devkit, "VOC2007", "Annotations", "000002.xml")}: no such annotation file", e.Message);
    }
}
