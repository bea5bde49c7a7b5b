using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>NMS equals a brute-force greedy reference, and batched NMS keeps categories apart.</summary>
public class NmsTests
{
    /// <summary>Greedy NMS straight from the definition, in doubles-free float arithmetic like torchvision's kernel.</summary>
    private static List<long> Reference(float[] b, float[] s, int[] cls, double thr, bool inDouble = false)
    {
        int n = s.Length;
        var order = Enumerable.Range(0, n).OrderByDescending(i => s[i]).ThenBy(i => i).ToArray(); // stable
        var kept = new List<long>();
        foreach (var i in order)
        {
            bool suppressed = false;
            foreach (int j in kept)
            {
                if (cls[i] != cls[j]) continue;
                float xx1 = Math.Max(b[4 * i], b[4 * j]), yy1 = Math.Max(b[4 * i + 1], b[4 * j + 1]);
                float xx2 = Math.Min(b[4 * i + 2], b[4 * j + 2]), yy2 = Math.Min(b[4 * i + 3], b[4 * j + 3]);
                float inter = Math.Max(0f, xx2 - xx1) * Math.Max(0f, yy2 - yy1);
                float ai = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
                float aj = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
                double iou = inDouble ? IouInDouble(b, i, j) : inter / (ai + aj - inter);
                if (iou > thr) { suppressed = true; break; }
            }
            if (!suppressed) kept.Add(i);
        }
        return kept;
    }

    private static double IouInDouble(float[] b, int i, int j)
    {
        double xx1 = Math.Max(b[4 * i], b[4 * j]), yy1 = Math.Max(b[4 * i + 1], b[4 * j + 1]);
        double xx2 = Math.Min(b[4 * i + 2], b[4 * j + 2]), yy2 = Math.Min(b[4 * i + 3], b[4 * j + 3]);
        double inter = Math.Max(0, xx2 - xx1) * Math.Max(0, yy2 - yy1);
        double ai = ((double)b[4 * i + 2] - b[4 * i]) * ((double)b[4 * i + 3] - b[4 * i + 1]);
        double aj = ((double)b[4 * j + 2] - b[4 * j]) * ((double)b[4 * j + 3] - b[4 * j + 1]);
        return inter / (ai + aj - inter);
    }

    private static (float[] Boxes, float[] Scores, int[] Classes) Random(int seed, int n, int classes, bool ties)
    {
        var rng = new System.Random(seed);
        var b = new float[4 * n];
        var s = new float[n];
        var c = new int[n];
        for (int i = 0; i < n; i++)
        {
            // Small integer-ish coordinates so that many boxes overlap (and some coincide).
            float x = rng.Next(0, 40), y = rng.Next(0, 40), w = rng.Next(1, 25), h = rng.Next(1, 25);
            b[4 * i] = x; b[4 * i + 1] = y; b[4 * i + 2] = x + w; b[4 * i + 3] = y + h;
            s[i] = ties ? rng.Next(0, 8) / 8f : (float)rng.NextDouble();
            c[i] = rng.Next(0, classes);
        }
        return (b, s, c);
    }

    [Theory]
    [InlineData(1, 300, 0.5, false)]
    [InlineData(2, 700, 0.3, false)]   // more than one block of rows
    [InlineData(3, 200, 0.7, true)]    // many equal scores
    [InlineData(4, 1100, 0.5, true)]
    [InlineData(5, 1, 0.5, false)]
    public void SingleEqualsBruteForce(int seed, int n, double thr, bool ties)
    {
        using var scope = torch.NewDisposeScope();
        var (b, s, _) = Random(seed, n, 1, ties);
        var keep = Nms.Single(torch.tensor(b, new long[] { n, 4 }), torch.tensor(s), thr);
        Assert.Equal(ScalarType.Int64, keep.dtype);
        var expected = Reference(b, s, new int[n], thr);
        Assert.Equal(expected, keep.data<long>().ToArray());
        // Double boxes: the IoU is computed and compared in double.
        var keep64 = Nms.Single(torch.tensor(b, new long[] { n, 4 }).to_type(ScalarType.Float64), torch.tensor(s), thr);
        Assert.Equal(Reference(b, s, new int[n], thr, inDouble: true), keep64.data<long>().ToArray());
        if (n > 50) Assert.InRange(expected.Count, 2, n - 1); // the case exercises suppression
    }

    [Theory]
    [InlineData(11, 400, 3, 0.5, false)]
    [InlineData(12, 900, 5, 0.4, true)]
    [InlineData(13, 1500, 4, 0.5, false)] // above 1000 boxes: torchvision's per-category path
    public void BatchedEqualsBruteForcePerClass(int seed, int n, int classes, double thr, bool ties)
    {
        using var scope = torch.NewDisposeScope();
        var (b, s, c) = Random(seed, n, classes, ties);
        var keep = Nms.Batched(torch.tensor(b, new long[] { n, 4 }), torch.tensor(s), torch.tensor(c.Select(x => (long)x).ToArray()), thr);
        Assert.Equal(Reference(b, s, c, thr), keep.data<long>().ToArray());
    }

    [Fact]
    public void DifferentClassesNeverSuppressEachOther()
    {
        using var scope = torch.NewDisposeScope();
        // Three identical boxes: two of class 0 and one of class 1.
        var boxes = torch.tensor(new float[] { 0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10, 1, 1, 10, 10 }, new long[] { 4, 4 });
        var scores = torch.tensor(new float[] { 0.9f, 0.8f, 0.7f, 0.95f });
        var classes = torch.tensor(new long[] { 0, 0, 1, 1 });
        Assert.Equal(new long[] { 3, 0 }, Nms.Batched(boxes, scores, classes, 0.5).data<long>().ToArray());
        Assert.Equal(new long[] { 3 }, Nms.Single(boxes, scores, 0.5).data<long>().ToArray());
        // IoU exactly at the threshold is kept (strictly greater suppresses).
        var half = torch.tensor(new float[] { 0, 0, 2, 1, 1, 0, 3, 1 }, new long[] { 2, 4 }); // IoU 1/3
        Assert.Equal(new long[] { 0, 1 }, Nms.Single(half, torch.tensor(new float[] { 1, 0.5f }), 1.0 / 3 + 1e-6).data<long>().ToArray());
        Assert.Equal(new long[] { 0 }, Nms.Single(half, torch.tensor(new float[] { 1, 0.5f }), 0.3).data<long>().ToArray());
    }

    [Fact]
    public void EmptyInputAndBadShapes()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(0, Nms.Batched(torch.zeros(0, 4), torch.zeros(0), torch.zeros(0, dtype: ScalarType.Int64), 0.5).numel());
        Assert.Throws<ArgumentException>(() => Nms.Single(torch.zeros(3, 5), torch.zeros(3), 0.5));
        Assert.Throws<ArgumentException>(() => Nms.Single(torch.zeros(3, 4), torch.zeros(2), 0.5));
    }
}
