using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>RoIHeads' postprocessing on hand-made logits (threshold, small boxes, clipping, NMS per class, top-k) and batched NMS.</summary>
public class RoiHeadsTests
{
    private static Tensor Logits(params double[][] probabilities) =>
        torch.tensor(probabilities.SelectMany(p => p.Select(v => (float)Math.Log(v))).ToArray()).view(probabilities.Length, -1);

    [Fact]
    public void PostprocessThresholdsSuppressesAndKeepsTheBest()
    {
        using var scope = torch.NewDisposeScope();
        var options = new FasterRcnnOptions { NumClasses = 3, BoxScoreThreshold = 0.3f, BoxNmsThreshold = 0.5f, BoxDetectionsPerImage = 3 };
        var heads = new RoiHeads(options);
        var proposals = new[]
        {
            torch.tensor(new float[]
            {
                10, 10, 50, 50,      // A
                12, 12, 52, 52,      // B: IoU(A, B) = 1444 / 1756 = 0.82
                100, 100, 140, 140,  // C
                200, 200, 260, 260,  // E: beyond the image (240 high, 250 wide): clipped to 200,200,250,240
                0, 0, 0.005f, 30,    // D: 0.005 wide, removed
            }).view(-1, 4),
            torch.tensor(new float[] { 5, 5, 25, 25 }).view(-1, 4), // F, second image
        };
        var logits = Logits(
            new[] { 0.05, 0.60, 0.35 },  // A: class 1 0.6, class 2 0.35
            new[] { 0.05, 0.50, 0.45 },  // B: class 1 suppressed by A's; class 2 suppresses A's
            new[] { 0.50, 0.25, 0.25 },  // C: below the threshold
            new[] { 0.10, 0.40, 0.50 },  // E: both classes (no suppression across classes)
            new[] { 0.02, 0.96, 0.02 },  // D: too small
            new[] { 0.20, 0.10, 0.70 }); // F
        var deltas = torch.zeros(6, 12); // boxes = proposals
        var results = heads.Postprocess(logits, deltas, proposals, new[] { (240, 250), (100, 100) });

        // After NMS: A1 0.6, E2 0.5, B2 0.45, E1 0.4; the best three.
        Assert.Equal(new long[] { 1, 2, 2 }, results[0].Labels.data<long>().ToArray());
        AssertNear(new[] { 0.60f, 0.50f, 0.45f }, results[0].Scores.data<float>().ToArray());
        AssertNear(new float[] { 10, 10, 50, 50, 200, 200, 250, 240, 12, 12, 52, 52 }, results[0].Boxes.data<float>().ToArray());
        Assert.Equal(new long[] { 2 }, results[1].Labels.data<long>().ToArray());
        AssertNear(new[] { 0.70f }, results[1].Scores.data<float>().ToArray());
        AssertNear(new float[] { 5, 5, 25, 25 }, results[1].Boxes.data<float>().ToArray());

        // With room for more: E1 comes fourth.
        var all = new RoiHeads(options with { BoxDetectionsPerImage = 100 }).Postprocess(logits, deltas, proposals, new[] { (240, 250), (100, 100) });
        Assert.Equal(new long[] { 1, 2, 2, 1 }, all[0].Labels.data<long>().ToArray());
        AssertNear(new[] { 0.60f, 0.50f, 0.45f, 0.40f }, all[0].Scores.data<float>().ToArray());
    }

    [Fact]
    public void PostprocessDecodesPerClassWithWeights10105()
    {
        using var scope = torch.NewDisposeScope();
        var heads = new RoiHeads(new FasterRcnnOptions { NumClasses = 2, BoxScoreThreshold = 0.05f });
        var proposals = new[] { torch.tensor(new float[] { 20, 30, 60, 50 }).view(1, 4) }; // centre (40, 40), 40×20
        var logits = Logits(new[] { 0.1, 0.9 });
        // class 1: dx = 10·(4/40), dy = 10·(−2/20), dw = 5·ln 2, dh = 5·ln 0.5 → centre (44, 38), 80×10
        var deltas = torch.tensor(new float[] { 9, 9, 9, 9, 1, -1, 5 * MathF.Log(2), 5 * MathF.Log(0.5f) }).view(1, 8);
        var result = heads.Postprocess(logits, deltas, proposals, new[] { (100, 100) })[0];
        AssertNear(new float[] { 4, 33, 84, 43 }, result.Boxes.data<float>().ToArray());
        Assert.Equal(new long[] { 1 }, result.Labels.data<long>().ToArray());
    }

    [Fact]
    public void BatchedNmsEqualsGreedyNmsPerClassOnBothPaths()
    {
        using var scope = torch.NewDisposeScope();
        var g = new Generator(7);
        foreach (int n in new[] { 300, 1200 }) // 1200 boxes: 4800 coordinates, torchvision's class-by-class path
        {
            var xy = torch.rand(new long[] { n, 2 }, generator: g).mul(torch.tensor(200f));
            var wh = torch.rand(new long[] { n, 2 }, generator: g).mul(torch.tensor(40f)).add(torch.tensor(5f));
            var boxes = torch.cat(new[] { xy, xy + wh }, 1);
            var scores = torch.rand(new long[] { n }, generator: g);
            var classes = torch.randint(0, 4, new long[] { n }, generator: g);
            var keep = TorchvisionBatchedNms.Apply(boxes, scores, classes, 0.5).data<long>().ToArray();

            var b = boxes.data<float>().ToArray();
            var s = scores.data<float>().ToArray();
            var c = classes.data<long>().ToArray();
            var expected = new List<long>();
            foreach (var i in Enumerable.Range(0, n).OrderByDescending(i => s[i]))
            {
                bool suppressed = expected.Any(j => c[j] == c[i] && Iou(b, i, (int)j) > 0.5);
                if (!suppressed) expected.Add(i);
            }
            Assert.Equal(expected, keep);
        }
    }

    [Fact]
    public void FastRcnnLossEqualsCrossEntropyAndSmoothL1WrittenOut()
    {
        using var scope = torch.NewDisposeScope();
        var g = new Generator(11);
        int n = 6, k = 3;
        var logits = torch.randn(new long[] { n, k }, generator: g);
        var regression = torch.randn(new long[] { n, 4 * k }, generator: g).mul(torch.tensor(0.3f));
        var targets = torch.randn(new long[] { n, 4 }, generator: g).mul(torch.tensor(0.3f));
        var labelArray = new long[] { 0, 2, 1, 0, 2, 0 };
        var (classifier, boxReg) = RoiHeads.FastRcnnLoss(logits, regression, torch.tensor(labelArray), targets);

        var l = logits.data<float>().ToArray();
        var r = regression.data<float>().ToArray();
        var t = targets.data<float>().ToArray();
        double ce = 0, smooth = 0, beta = 1.0 / 9;
        bool sawBothBranches = false, small = false, large = false;
        for (int i = 0; i < n; i++)
        {
            double max = Enumerable.Range(0, k).Max(c => (double)l[i * k + c]);
            double logSum = max + Math.Log(Enumerable.Range(0, k).Sum(c => Math.Exp(l[i * k + c] - max)));
            ce += logSum - l[i * k + labelArray[i]];
            if (labelArray[i] == 0) continue;
            for (int j = 0; j < 4; j++)
            {
                double d = Math.Abs(r[i * 4 * k + 4 * labelArray[i] + j] - t[i * 4 + j]);
                smooth += d < beta ? 0.5 * d * d / beta : d - 0.5 * beta;
                small |= d < beta; large |= d >= beta;
            }
        }
        sawBothBranches = small && large;
        Assert.True(sawBothBranches, "the case should exercise both branches of the smooth L1");
        Assert.Equal(ce / n, classifier.item<float>(), 5);
        Assert.Equal(smooth / n, boxReg.item<float>(), 5);
    }

    [Fact]
    public void TrainingSamplesAreMatchedLabelledAndEncoded()
    {
        using var scope = torch.NewDisposeScope();
        // foreground IoU ≥ 0.6, background < 0.4, ignored in between
        var heads = new RoiHeads(new FasterRcnnOptions { NumClasses = 4, BoxForegroundIou = 0.6f, BoxBackgroundIou = 0.4f });
        heads.train();
        var gt = torch.tensor(new float[] { 0, 0, 10, 10, 50, 50, 70, 70 }).view(2, 4);
        var proposals = torch.tensor(new float[]
        {
            0, 0, 10, 12,    // IoU with gt0 100/120 = 0.83: label 3
            0, 0, 10, 20,    // 0.5: ignored
            30, 30, 40, 40,  // 0: background
            52, 50, 72, 70,  // with gt1 360/440 = 0.82: label 2
            0, 0, 10, 30,    // 0.33: background
        }).view(-1, 4);
        var target = new DetectionTarget(gt, torch.tensor(new long[] { 3, 2 }));
        var (sampled, labels, regression) = heads.SelectTrainingSamples(new[] { proposals }, new[] { target }, new Generator(1));
        // all but the ignored one are sampled, in order, the ground truth boxes appended as proposals
        var expectedBoxes = torch.cat(new[] { proposals.index_select(0, torch.tensor(new long[] { 0, 2, 3, 4 })), gt }, 0);
        Assert.Equal(expectedBoxes.data<float>().ToArray(), sampled[0].data<float>().ToArray());
        Assert.Equal(new long[] { 3, 0, 2, 0, 3, 2 }, labels.data<long>().ToArray());
        // regression targets of the positives: their matched ground truth encoded with weights (10, 10, 5, 5) (rows 1 and 3, background, unused)
        var matched = torch.tensor(new float[] { 0, 0, 10, 10, 50, 50, 70, 70, 50, 50, 70, 70, 0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 70, 70 }).view(-1, 4);
        var p = expectedBoxes.data<float>().ToArray();
        var m = matched.data<float>().ToArray();
        var rt = regression.data<float>().ToArray();
        foreach (int i in new[] { 0, 2, 4, 5 }) // the positives (what the loss reads)
        {
            double pw = p[4 * i + 2] - p[4 * i], ph = p[4 * i + 3] - p[4 * i + 1];
            double gw = m[4 * i + 2] - m[4 * i], gh = m[4 * i + 3] - m[4 * i + 1];
            double dx = 10 * ((m[4 * i] + 0.5 * gw) - (p[4 * i] + 0.5 * pw)) / pw;
            double dy = 10 * ((m[4 * i + 1] + 0.5 * gh) - (p[4 * i + 1] + 0.5 * ph)) / ph;
            double dw = 5 * Math.Log(gw / pw), dh = 5 * Math.Log(gh / ph);
            var expected = new[] { dx, dy, dw, dh };
            for (int j = 0; j < 4; j++)
                Assert.True(Math.Abs(expected[j] - rt[4 * i + j]) < 1e-5, $"row {i}, delta {j}: expected {expected[j]}, got {rt[4 * i + j]}");
        }
    }

    [Fact]
    public void SamplingKeepsTheBatchSizeAndPositiveFraction()
    {
        using var scope = torch.NewDisposeScope();
        var heads = new RoiHeads(new FasterRcnnOptions { NumClasses = 2, BoxBatchSizePerImage = 8, BoxPositiveFraction = 0.25f });
        heads.train();
        var gt = torch.tensor(new float[] { 0, 0, 20, 20 }).view(1, 4);
        var rows = new List<float>();
        for (int i = 0; i < 10; i++) rows.AddRange(new float[] { 0, 0, 20, 20 + i * 0.1f });   // positives
        for (int i = 0; i < 30; i++) rows.AddRange(new float[] { 100 + i, 100, 120 + i, 120 }); // negatives
        var proposals = torch.tensor(rows.ToArray()).view(-1, 4);
        var target = new DetectionTarget(gt, torch.tensor(new long[] { 1 }));
        var (_, labelsA, _) = heads.SelectTrainingSamples(new[] { proposals }, new[] { target }, new Generator(5));
        var (_, labelsB, _) = heads.SelectTrainingSamples(new[] { proposals }, new[] { target }, new Generator(5));
        var a = labelsA.data<long>().ToArray();
        Assert.Equal(8, a.Length);
        Assert.Equal(2, a.Count(v => v == 1));
        Assert.Equal(a, labelsB.data<long>().ToArray());
    }

    private static double Iou(float[] b, int i, int j)
    {
        float w = Math.Max(0, Math.Min(b[4 * i + 2], b[4 * j + 2]) - Math.Max(b[4 * i], b[4 * j]));
        float h = Math.Max(0, Math.Min(b[4 * i + 3], b[4 * j + 3]) - Math.Max(b[4 * i + 1], b[4 * j + 1]));
        float inter = w * h;
        float ai = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
        float aj = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
        return inter / (ai + aj - inter);
    }

    private static void AssertNear(float[] expected, float[] actual, float tolerance = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
