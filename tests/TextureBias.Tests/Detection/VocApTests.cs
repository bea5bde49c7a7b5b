using TextureBias.Detection;
using Xunit;

namespace TextureBias.Tests.Detection;

public class VocApTests
{
    const double Tol = 1e-12;


    static VocObject Gt(string name, double x1, double y1, double x2, double y2, bool difficult = false) => new(name, x1, y1, x2, y2, difficult);

    static VocDetection Det(string image, double score, VocObject box, string? name = null) =>
        new(image, name ?? box.Name, score, box.X1, box.Y1, box.X2, box.Y2);

    static VocDetection Det(string image, string name, double score, double x1, double y1, double x2, double y2) =>
        new(image, name, score, x1, y1, x2, y2);

    static VocClassAp One(Dictionary<string, IReadOnlyList<VocObject>> gt, IReadOnlyList<VocDetection> dets, VocApMetric metric, string cls = "dog", double iou = 0.5) =>
        Assert.Single(VocAp.Evaluate(gt, dets, [cls], metric, iou).Classes);

    static readonly VocObject G1 = Gt("dog", 1, 1, 10, 10);
    static readonly VocObject G2 = Gt("dog", 21, 21, 30, 30);
    static readonly VocObject Far = Gt("dog", 50, 50, 60, 60);

    [Fact]
    public void PerfectDetectionsHaveApOne()
    {
        var gt = new Dictionary<string, IReadOnlyList<VocObject>>
        {
            ["a"] = [G1, G2, Gt("cat", 5, 5, 40, 40)],
            ["b"] = [Gt("cat", 100, 100, 200, 150), Gt("dog", 3, 7, 90, 60)],
            ["c"] = [],
        };
        var dets = gt.SelectMany(kv => kv.Value.Select((o, i) => Det(kv.Key, 0.9 - 0.1 * i, o))).ToList();
        foreach (var metric in new[] { VocApMetric.ElevenPoint, VocApMetric.Area })
        {
            var result = VocAp.Evaluate(gt, dets, ["dog", "cat"], metric);
            Assert.All(result.Classes, c => Assert.Equal(1.0, c.Ap, Tol));
            Assert.Equal(1.0, result.MeanAp, Tol);
            Assert.Equal(3, result.Classes[0].GroundTruths);
            Assert.Equal(2, result.Classes[1].TruePositives);
        }
    }

    [Fact]
    public void NoDetectionsHaveApZero()
    {
        var gt = new Dictionary<string, IReadOnlyList<VocObject>> { ["a"] = [G1, G2] };
        foreach (var metric in new[] { VocApMetric.ElevenPoint, VocApMetric.Area })
        {
            var c = One(gt, [], metric);
            Assert.Equal(0.0, c.Ap);
            Assert.Equal(2, c.GroundTruths);
        }
    }

    /// <summary>
    /// Two dogs; ranked detections TP (0.9, on G1), FP (0.8, nowhere), TP (0.7, on G2).
    /// cumulative TP 1,1,2; FP 0,1,1 → recall 0.5, 0.5, 1; precision 1, 0.5, 2/3.
    /// Area: envelope over recall (0,0.5]: 1, over (0.5,1]: 2/3 → 0.5·1 + 0.5·2/3 = 5/6.
    /// 11-point: t = 0…0.5 (6 points) max precision 1; t = 0.6…1 (5 points) only recall 1 → 2/3:
    /// (6 + 5·2/3)/11 = 28/33.
    /// </summary>
    static readonly List<VocDetection> CaseA = [Det("a", 0.9, G1), Det("a", 0.8, Far), Det("a", 0.7, G2)];

    [Fact]
    public void HandComputedCaseA()
    {
        var gt = new Dictionary<string, IReadOnlyList<VocObject>> { ["a"] = [G1, G2] };
        var area = One(gt, CaseA, VocApMetric.Area);
        Assert.Equal(5.0 / 6, area.Ap, Tol);
        Assert.Equal((2, 1), (area.TruePositives, area.FalsePositives));
        Assert.Equal(28.0 / 33, One(gt, CaseA, VocApMetric.ElevenPoint).Ap, Tol);
        // The input order does not matter when scores differ.
        var reversed = Enumerable.Reverse(CaseA).ToList();
        Assert.Equal(5.0 / 6, One(gt, reversed, VocApMetric.Area).Ap, Tol);
    }

    /// <summary>
    /// Three dogs, one never found; ranked FP (0.9), TP (0.8), TP (0.7).
    /// recall 0, 1/3, 2/3; precision 0, 1/2, 2/3. Envelope is 2/3 up to recall 2/3, then 0.
    /// Area: 1/3·2/3 + 1/3·2/3 = 4/9.
    /// 11-point: t = 0, 0.1, …, 0.6 (7 points; recall 2/3 ≥ 0.6000000000000001) give 2/3, t = 0.7…1 give 0 → 14/33.
    /// </summary>
    [Fact]
    public void HandComputedCaseB()
    {
        var g3 = Gt("dog", 70, 1, 80, 10);
        var gt = new Dictionary<string, IReadOnlyList<VocObject>> { ["a"] = [G1, G2], ["b"] = [g3] };
        List<VocDetection> dets = [Det("a", 0.7, G2), Det("b", 0.9, G1), Det("a", 0.8, G1)]; // 0.9 is on image b where G1 is not
        Assert.Equal(4.0 / 9, One(gt, dets, VocApMetric.Area).Ap, Tol);
        Assert.Equal(14.0 / 33, One(gt, dets, VocApMetric.ElevenPoint).Ap, Tol);
    }

    /// <summary>
    /// Ten dogs, three found first-ranked: recall 0.1, 0.2, 3/10, precision 1.
    /// numpy's thresholds are np.arange(0, 1.1, 0.1): the fourth is 0.30000000000000004 &gt; 3/10 (0.29999999999999999),
    /// so only t = 0, 0.1, 0.2 count: 3/11 (not 4/11). Area: 0.3.
    /// </summary>
    [Fact]
    public void ElevenPointThresholdsAreNumpysArange()
    {
        var dogs = Enumerable.Range(0, 10).Select(i => Gt("dog", 1 + 20 * i, 1, 10 + 20 * i, 10)).ToList();
        var gt = new Dictionary<string, IReadOnlyList<VocObject>> { ["a"] = dogs };
        var dets = dogs.Take(3).Select((o, i) => Det("a", 1 - 0.1 * i, o)).ToList();
        Assert.Equal(3.0 / 11, One(gt, dets, VocApMetric.ElevenPoint).Ap, Tol);
        Assert.Equal(0.3, One(gt, dets, VocApMetric.Area).Ap, Tol);
    }

    [Fact]
    public void DifficultObjectsAreIgnored()
    {
        var hard = Gt("dog", 41, 41, 50, 50, difficult: true);
        var gt = new Dictionary<string, IReadOnlyList<VocObject>> { ["a"] = [G1, G2, hard] };
        // Case A plus a detection of the difficult dog ranked second, and one ranked first: nothing changes.
        foreach (double score in new[] { 0.85, 0.95 })
        {
            var dets = CaseA.Append(Det("a", score, hard)).ToList();
            var area = One(gt, dets, VocApMetric.Area);
            Assert.Equal(5.0 / 6, area.Ap, Tol);
            Assert.Equal(2, area.GroundTruths);
            Assert.Equal((2, 1), (area.TruePositives, area.FalsePositives));
            Assert.Equal(28.0 / 33, One(gt, dets, VocApMetric.ElevenPoint).Ap, Tol);
        }
        // A difficult dog not found costs nothing either.
        Assert.Equal(1.0, One(gt, [Det("a", 0.9, G1), Det("a", 0.8, G2)], VocApMetric.Area).Ap, Tol);
    }

    [Fact]
    public void DuplicateDetectionsAreFalsePositives()
    {
        // TP on G1, its duplicate (FP), TP on G2: the same curve as case A.
        var gt = new Dictionary<string, IReadOnlyList<VocObject>> { ["a"] = [G1, G2] };
        List<VocDetection> dets = [Det("a", 0.9, G1), Det("a", "dog", 0.8, 1, 1, 10, 9), Det("a", 0.7, G2)];
        var area = One(gt, dets, VocApMetric.Area);
        Assert.Equal(5.0 / 6, area.Ap, Tol);
        Assert.Equal((2, 1), (area.TruePositives, area.FalsePositives));
        Assert.Equal(28.0 / 33, One(gt, dets, VocApMetric.ElevenPoint).Ap, Tol);
    }

    [Fact]
    public void BoxesArePixelInclusive()
    {
        // Ground truth pixels 1..2 × 1..2 (4 px), detection 1..2 × 1..3 (6 px): IoU 4/6 with the +1 convention,
        // 1/2 without it (areas 1 and 2), which would not exceed 0.5.
        var gt = Gt("dog", 1, 1, 2, 2);
        var det = Det("a", "dog", 0.9, 1, 1, 2, 3);
        Assert.Equal(4.0 / 6, VocAp.Iou(det, gt), Tol);
        var c = One(new() { ["a"] = [gt] }, [det], VocApMetric.Area);
        Assert.Equal(1.0, c.Ap, Tol);
        // 1..10 × 1..5 against 1..10 × 1..10: IoU exactly 50/100, which is not above 0.5.
        var half = Det("a", "dog", 0.9, 1, 1, 10, 5);
        Assert.Equal(0.5, VocAp.Iou(half, G1));
        Assert.Equal(0.0, One(new() { ["a"] = [G1] }, [half], VocApMetric.Area).Ap);
        Assert.Equal(1.0, One(new() { ["a"] = [G1] }, [half], VocApMetric.Area, iou: 0.49).Ap, Tol);
    }

    [Fact]
    public void TiesKeepTheGivenOrder()
    {
        // One dog; a TP and a FP of equal score. TP first: recall 1, 1, precision 1, 1/2 → 1. FP first: precision 0, 1/2 → 1/2.
        var gt = new Dictionary<string, IReadOnlyList<VocObject>> { ["a"] = [G1] };
        var tp = Det("a", 0.5, G1);
        var fp = Det("a", 0.5, Far);
        Assert.Equal(1.0, One(gt, [tp, fp], VocApMetric.Area).Ap, Tol);
        Assert.Equal(0.5, One(gt, [fp, tp], VocApMetric.Area).Ap, Tol);
    }

    [Fact]
    public void OtherClassesAndClassesWithoutGroundTruth()
    {
        var gt = new Dictionary<string, IReadOnlyList<VocObject>>
        {
            ["a"] = [G1, G2, Gt("cat", 1, 1, 10, 10)],
            ["b"] = [Gt("bird", 1, 1, 5, 5, difficult: true)],
        };
        // Case A for dogs; the cat found; a detection of the difficult bird (the only bird) counts for nothing.
        var dets = CaseA.Append(Det("a", "cat", 0.3, 1, 1, 10, 10)).Append(Det("b", "bird", 0.9, 1, 1, 5, 5)).ToList();
        var result = VocAp.Evaluate(gt, dets, ["dog", "cat", "bird", "cow"], VocApMetric.Area);
        Assert.Equal(["dog", "cat", "bird", "cow"], result.Classes.Select(c => c.ClassName));
        Assert.Equal(5.0 / 6, result.Classes[0].Ap, Tol);
        Assert.Equal(1.0, result.Classes[1].Ap, Tol);
        Assert.True(double.IsNaN(result.Classes[2].Ap)); // only a difficult bird
        Assert.True(double.IsNaN(result.Classes[3].Ap));
        Assert.Equal((5.0 / 6 + 1) / 2, result.MeanAp, Tol);
    }

    [Fact]
    public void BadDetectionsAreRefused()
    {
        var gt = new Dictionary<string, IReadOnlyList<VocObject>> { ["a"] = [G1] };
        var e = Assert.Throws<TextureBiasException>(() => VocAp.Evaluate(gt, [Det("zz", 0.9, G1)], ["dog"], VocApMetric.Area));
        Assert.Contains("'zz'", e.Message);
        Assert.Throws<TextureBiasException>(() => VocAp.Evaluate(gt, [Det("a", double.NaN, G1)], ["dog"], VocApMetric.Area));
    }

    [Fact]
    public void ApOfACurve()
    {
        // Area: envelope 1 up to recall 0.2, 0.6 up to 0.5, 0.5 up to 0.8, 0 beyond → 0.2 + 0.3·0.6 + 0.3·0.5 = 0.53.
        double[] rec = [0.2, 0.2, 0.5, 0.8];
        double[] prec = [1, 0.5, 0.6, 0.5];
        Assert.Equal(0.53, VocAp.Ap(rec, prec, VocApMetric.Area), Tol);
        // 11-point: t=0…0.2 → 1 (3 points), t=0.3…0.5 → 0.6, t=0.6…0.8 → 0.5 (8·0.1 is the double 0.8), t=0.9, 1 → 0.
        Assert.Equal((3 + 3 * 0.6 + 3 * 0.5) / 11, VocAp.Ap(rec, prec, VocApMetric.ElevenPoint), Tol);
    }

    [Fact]
    public void AreaIsSummedAsNumpySums()
    {
        // Recall k/8 with falling precision: the area is Σ p/8 = 4/8 = 0.5. numpy's np.sum adds 8 terms as
        // ((t0+t1)+(t2+t3))+((t4+t5)+(t6+t7)), which gives 0.5 here; adding left to right gives 0.49999999999999994.
        double[] prec = [0.95, 0.94, 0.9, 0.54, 0.38, 0.23, 0.03, 0.03];
        double[] rec = Enumerable.Range(1, 8).Select(k => k / 8.0).ToArray();
        double sequential = 0;
        foreach (double p in prec)
            sequential += p / 8;
        Assert.NotEqual(0.5, sequential);
        Assert.Equal(0.5, VocAp.Ap(rec, prec, VocApMetric.Area));
    }
}
