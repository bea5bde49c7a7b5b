using TextureBias.Detection;
using Xunit;

namespace TextureBias.Tests.Detection;

public class CocoEvalTests
{
    static CocoAnnotations Truth(params CocoAnnotation[] annotations) => new(
        [new CocoImage(1, "a.jpg", 100, 100), new CocoImage(2, "b.jpg", 100, 100)],
        annotations, CocoCategories.Names, [1, 2, 3]);

    static CocoAnnotation Gt(long id, long image, int category, double x, double y, double w, double h, bool crowd = false) =>
        new(id, image, category, x, y, w, h, w * h, crowd);

    static CocoResult Dt(long image, int category, double score, double x, double y, double w, double h) => new(image, category, score, x, y, w, h);

    [Fact]
    public void PerfectDetectionsScoreOne()
    {
        var truth = Truth(Gt(1, 1, 1, 10, 10, 20, 20), Gt(2, 2, 1, 0, 0, 50, 40), Gt(3, 2, 2, 30, 30, 10, 10));
        var result = CocoEval.Evaluate(truth, [Dt(1, 1, 0.9, 10, 10, 20, 20), Dt(2, 1, 0.8, 0, 0, 50, 40), Dt(2, 2, 0.1, 30, 30, 10, 10)]);
        Assert.Equal(1.0, result.Ap50, 12);
        Assert.Equal(1.0, result.Ap, 12);
        // category 3 has no ground truth: NaN and left out of the mean
        Assert.True(double.IsNaN(result.Classes.Single(c => c.CategoryId == 3).Ap50));
        Assert.Equal("bicycle", result.Classes.Single(c => c.CategoryId == 2).Name);
    }

    [Fact]
    public void FalsePositiveBetweenTwoTruePositivesGivesTheInterpolatedValue()
    {
        // ranks: TP (recall 0.5, precision 1), FP, TP (recall 1, precision 2/3). Envelope: 1 up to recall 0.5, 2/3 above:
        // 51 of the 101 recall thresholds (0, 0.01, ..., 0.5) read 1, the other 50 read 2/3.
        var truth = Truth(Gt(1, 1, 1, 10, 10, 20, 20), Gt(2, 2, 1, 0, 0, 50, 40));
        var result = CocoEval.Evaluate(truth, [Dt(1, 1, 0.9, 10, 10, 20, 20), Dt(1, 1, 0.8, 60, 60, 10, 10), Dt(2, 1, 0.7, 0, 0, 50, 40)]);
        double expected = (51 * 1.0 + 50 * (2.0 / 3.0)) / 101;
        Assert.Equal(expected, result.Ap50, 12);
        Assert.Equal(expected, result.Classes[0].Ap50, 12);
    }

    [Fact]
    public void FalsePositiveRankedFirstHalvesThePrecision()
    {
        var truth = Truth(Gt(1, 1, 1, 10, 10, 20, 20));
        var result = CocoEval.Evaluate(truth, [Dt(1, 1, 0.9, 60, 60, 10, 10), Dt(1, 1, 0.8, 10, 10, 20, 20)]);
        Assert.Equal(0.5, result.Ap50, 12);
    }

    [Fact]
    public void IouThresholdsFromHalfToNinetyFive()
    {
        // IoU 62/100 = 0.62: a match at 0.5, 0.55 and 0.6, a miss at 0.65 ... 0.95
        var truth = Truth(Gt(1, 1, 1, 0, 0, 10, 10));
        var result = CocoEval.Evaluate(truth, [Dt(1, 1, 0.9, 0, 0, 10, 6.2)]);
        Assert.Equal(1.0, result.Ap50, 12);
        Assert.Equal(0.3, result.Ap, 12);
    }

    [Fact]
    public void CrowdsAreIgnoredAndCanBeMatchedAgain()
    {
        // Two detections inside a crowd region (intersection / detection area = 1) rank first: ignored, not false positives.
        var truth = Truth(Gt(1, 1, 1, 10, 10, 20, 20), Gt(2, 1, 1, 50, 50, 50, 50, crowd: true));
        var detections = new[] { Dt(1, 1, 0.99, 55, 55, 10, 10), Dt(1, 1, 0.98, 70, 70, 10, 10), Dt(1, 1, 0.9, 10, 10, 20, 20) };
        var result = CocoEval.Evaluate(truth, detections);
        Assert.Equal(1.0, result.Ap50, 12);
        Assert.Equal(1, result.Classes[0].GroundTruths);
        // The same region not marked crowd: the two are false positives before the true one (precision 1/3 at recall 1).
        var plain = Truth(Gt(1, 1, 1, 10, 10, 20, 20), Gt(2, 1, 1, 50, 50, 50, 50));
        var worse = CocoEval.Evaluate(plain, detections);
        Assert.True(worse.Ap50 < 0.5);
    }

    [Fact]
    public void OnlyTheHundredBestDetectionsOfAnImageCount()
    {
        var truth = Truth(Gt(1, 1, 1, 0, 0, 10, 10));
        var detections = Enumerable.Range(0, 100).Select(i => Dt(1, 1, 0.9, 50, 50, 10, 10)).Append(Dt(1, 1, 0.1, 0, 0, 10, 10)).ToList();
        Assert.Equal(0.0, CocoEval.Evaluate(truth, detections).Ap50, 12);
    }

    [Fact]
    public void DetectionOnAnUnknownImageIsAnError()
    {
        var e = Assert.Throws<TextureBiasException>(() => CocoEval.Evaluate(Truth(Gt(1, 1, 1, 0, 0, 10, 10)), [Dt(7, 1, 0.5, 0, 0, 1, 1)]));
        Assert.Equal("detection 1 is on image 7, which is not among the 2 images of the ground truth", e.Message);
    }
}
