using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>The sampler draws torchvision's balanced batches, reproducibly from a generator.</summary>
public class BalancedPositiveNegativeSamplerTests
{
    /// <summary>Labels: 10 positives (1), 20 negatives (0), 5 ignored (−1), interleaved.</summary>
    private static float[] Labels()
    {
        var labels = new float[35];
        for (int i = 0; i < 35; i++)
            labels[i] = (i % 7) switch { 0 or 3 => 1f, 6 => -1f, _ => 0f };
        return labels;
    }

    private static long[] Where(float[] labels, Func<float, bool> f) =>
        Enumerable.Range(0, labels.Length).Where(i => f(labels[i])).Select(i => (long)i).ToArray();

    private static long[] MaskIndices(Tensor mask) =>
        mask.data<bool>().ToArray().Select((b, i) => (b, i)).Where(t => t.b).Select(t => (long)t.i).ToArray();

    [Fact]
    public void SamplesTheFractionOfPositivesAndFillsWithNegatives()
    {
        using var scope = torch.NewDisposeScope();
        var labels = Labels();
        var sampler = new BalancedPositiveNegativeSampler(8, 0.25);
        var (pos, neg) = sampler.Sample(new[] { torch.tensor(labels) }, new Generator(3));
        Assert.Equal(ScalarType.Bool, pos[0].dtype);
        var p = MaskIndices(pos[0]);
        var n = MaskIndices(neg[0]);
        Assert.Equal(2, p.Length);
        Assert.Equal(6, n.Length);
        Assert.All(p, i => Assert.Equal(1f, labels[i]));
        Assert.All(n, i => Assert.Equal(0f, labels[i]));
    }

    [Fact]
    public void DrawsTorchvisionsPermutationsFromTheGenerator()
    {
        using var scope = torch.NewDisposeScope();
        var labels = Labels();
        var (pos, neg) = new BalancedPositiveNegativeSampler(8, 0.5).Sample(new[] { torch.tensor(labels) }, new Generator(11));
        // Independently: positive = where(labels >= 1), negative = where(labels == 0); perm1 = randperm(#pos)[:4], perm2 = randperm(#neg)[:4].
        var g = new Generator(11);
        var positive = Where(labels, l => l >= 1);
        var negative = Where(labels, l => l == 0);
        var perm1 = torch.randperm(positive.Length, generator: g).data<long>().ToArray().Take(4);
        var perm2 = torch.randperm(negative.Length, generator: g).data<long>().ToArray().Take(4);
        Assert.Equal(perm1.Select(i => positive[i]).Order().ToArray(), MaskIndices(pos[0]));
        Assert.Equal(perm2.Select(i => negative[i]).Order().ToArray(), MaskIndices(neg[0]));

        var (pos2, neg2) = new BalancedPositiveNegativeSampler(8, 0.5).Sample(new[] { torch.tensor(labels) }, new Generator(12));
        Assert.False(MaskIndices(pos2[0]).SequenceEqual(MaskIndices(pos[0])) && MaskIndices(neg2[0]).SequenceEqual(MaskIndices(neg[0])));
    }

    [Fact]
    public void ProtectsAgainstTooFewPositivesOrNegatives()
    {
        using var scope = torch.NewDisposeScope();
        var fewPositives = torch.tensor(new long[] { 0, 0, 3, 0, 0, -1, 0, 0, 0, 0, 0, 0 }); // class labels as RoiHeads passes them
        var fewNegatives = torch.tensor(new float[] { 1, 1, 1, 1, 1, 0, -1, 1 });
        var (pos, neg) = new BalancedPositiveNegativeSampler(8, 0.5).Sample(new[] { fewPositives, fewNegatives }, new Generator(1));
        Assert.Equal(new long[] { 2 }, MaskIndices(pos[0]));
        Assert.Equal(7, MaskIndices(neg[0]).Length);
        Assert.DoesNotContain(5L, MaskIndices(neg[0]));
        Assert.Equal(4, MaskIndices(pos[1]).Length);
        Assert.Equal(new long[] { 5 }, MaskIndices(neg[1]));
    }
}
