using TextureBias.Observers;
using Xunit;

namespace TextureBias.Tests.Observers;

public class RawDataTests : TempDirTest
{
    private string Csv(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void ReadsModelVsHumanFilesWithAnyColumnCaseAndQuotedFields()
    {
        var path = Csv("s.csv",
            "subj,Session,trial,rt,object_response,category,condition,imagename\n" +
            "subject-01,1,1,0.79,oven,oven,c05,0001_cl_s01_c05_oven_40_n04111531_14126.png\n" +
            "\n" +
            "\"subject, two\",1,2,0.65,cat,bear,c05,\"0002_a,b_s01_c05_bear_40_n02134084_5274.png\"\n" +
            "subject-01,1,3,NaN,\"say \"\"na\"\"\",cat,c100,\"odd \"\"name\"\".png\"\n");
        var t = RawData.Read(path);
        Assert.Equal(3, t.Count);
        Assert.Equal(new RawTrial("subject-01", "1", "c05", "0001_cl_s01_c05_oven_40_n04111531_14126.png", "oven", "oven"), t[0]);
        Assert.True(t[0].Correct);
        Assert.Equal("n04111531_14126.png", t[0].ImageId);
        Assert.Equal("subject, two", t[1].Subject);
        Assert.Equal("0002_a,b_s01_c05_bear_40_n02134084_5274.png", t[1].Image);
        Assert.False(t[1].Correct);
        Assert.Equal("say \"na\"", t[2].Response);
        Assert.Equal("odd \"name\".png", t[2].Image);
    }

    [Theory]
    [InlineData("0000_cl_s01_bw_boat_40_n02951358_5952.JPEG", "n02951358_5952.JPEG")] // model-vs-human's own checks
    [InlineData("airplane1-bicycle2.png", "airplane1-bicycle2.png")]
    [InlineData("0001_s5n_s01_0_bird_00_bird3-bird2.png", "bird3-bird2.png")]
    public void ShortImageNamesAreModelVsHumans(string name, string id) => Assert.Equal(id, RawData.ShortImageName(name));

    [Theory]
    [InlineData("subj,object_response,category,condition,imagename\ns1,cat,cat,0,a.png\ns1,cat,cat,0\n", "bad.csv: line 3 has 4 fields, not 5")]
    [InlineData("subj,object_response,category,condition,imagename\ns1,cat,cat,0,\"a.png\n", "bad.csv: line 2 has an unterminated quoted field")]
    [InlineData("subj,object_response,category,condition,imagename\ns1,cat,cat,0,\"a\"b.png\n", "bad.csv: line 2 has text after a closing quote")]
    [InlineData("subj,object_response,category,condition,imagename\n\ns1,cat,cat,0,\n", "bad.csv: line 3 has no imagename")]
    [InlineData("subj,object_response,category,imagename\ns1,cat,cat,a.png\n", "bad.csv: not a raw-data file (no column condition;")]
    [InlineData("\n\n", "bad.csv: empty file")]
    public void BadFilesAndRowsAreOneLineNamingFileAndLine(string text, string message)
    {
        var path = Csv("bad.csv", text);
        var e = Assert.Throws<TextureBiasException>(() => RawData.Read(path));
        Assert.StartsWith(path.Replace("bad.csv", ""), e.Message);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void WrittenTrialsReadBackTheSameAndQuoteCommas()
    {
        var trials = new List<RawTrial>
        {
            new("resnet50, SIN", "1", "c05", "0001_cl_dnn_c05_oven_40_n04111531_14126.png", "oven", "oven"),
            new("resnet50, SIN", "1", "c100", "name \"with\" quotes, and comma.png", "cat", "dog"),
        };
        var path = Path.Combine(_dir, "out.csv");
        RawData.Write(path, trials);
        var text = File.ReadAllLines(path);
        Assert.Equal(RawData.Header, text[0]);
        Assert.Equal("\"resnet50, SIN\",1,1,NaN,oven,oven,c05,0001_cl_dnn_c05_oven_40_n04111531_14126.png", text[1]);
        Assert.Equal(trials, RawData.Read(path));
    }

    [Fact]
    public void AccuracyPerObserverAndConditionThenPooled()
    {
        var trials = new List<RawTrial>
        {
            new("s1", "1", "c100", "a.png", "cat", "cat"), new("s1", "1", "c05", "b.png", "cat", "dog"), new("s1", "1", "c05", "c.png", "cat", "cat"),
            new("s2", "1", "c100", "a.png", "cat", "na"), new("s2", "1", "c05", "b.png", "cat", "cat"),
        };
        var acc = RawData.Accuracy(trials);
        Assert.Equal(["s1/c05 1/2", "s1/c100 1/1", "s2/c05 1/1", "s2/c100 0/1", "pooled/c05 2/3", "pooled/c100 1/2"],
            acc.Select(a => $"{a.Observer}/{a.Condition} {a.Correct}/{a.Trials}"));
        Assert.Equal(2.0 / 3, acc[4].Accuracy, 12);
    }

    [Fact]
    public void ConditionsSortByTheirFirstNumber()
    {
        string[] names = ["c100", "c05", "inf", "0.4", "1.5", "16-3-10", "2-3-10", "bw", "cr"];
        Assert.Equal(["0.4", "1.5", "2-3-10", "c05", "16-3-10", "c100", "inf", "bw", "cr"], names.Order(ConditionOrder.Instance));
    }
}
