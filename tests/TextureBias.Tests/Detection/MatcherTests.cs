using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>The matcher assigns ground truth to predictions as torchvision's Matcher (hand-made cases).</summary>
public class MatcherTests
{
    // 3 ground-truth rows × 7 prediction columns.
    private static Tensor Quality() => torch.tensor(new float[,]
    {
        { 0.9f, 0.5f, 0.1f, 0.2f, 0.65f, 0.7f, 0.0f },
        { 0.8f, 0.6f, 0.2f, 0.75f, 0.3f, 0.1f, 0.3f },
        { 0.0f, 0.0f, 0.25f, 0.0f, 0.25f, 0.0f, 0.1f },
    });

    [Fact]
    public void ThresholdsSplitMatchesIntoThreeLevels()
    {
        using var scope = torch.NewDisposeScope();
        var matches = new Matcher(0.7, 0.3).Match(Quality()).data<long>().ToArray();
        // col 0: best 0.9 (gt 0) ≥ 0.7; col 1: 0.6 in [0.3, 0.7); col 2: 0.25 < 0.3; col 3: 0.75 (gt 1);
        // col 4: 0.65 between; col 5: exactly 0.7 is a match (gt 0); col 6: exactly 0.3 is between.
        Assert.Equal(new long[] { 0, Matcher.BetweenThresholds, Matcher.BelowLowThreshold, 1, Matcher.BetweenThresholds, 0, Matcher.BetweenThresholds }, matches);
    }

    [Fact]
    public void LowQualityMatchesKeepEachGroundTruthsBestPredictions()
    {
        using var scope = torch.NewDisposeScope();
        var matches = new Matcher(0.7, 0.3, allowLowQualityMatches: true).Match(Quality()).data<long>().ToArray();
        // gt 0 and gt 1 are best at col 0 (already matched). gt 2's best quality 0.25 ties at cols 2 and 4:
        // col 2 takes its own best match (gt 2, below the low threshold before), col 4 takes ITS best match, gt 0 (0.65), not gt 2.
        Assert.Equal(new long[] { 0, Matcher.BetweenThresholds, 2, 1, 0, 0, Matcher.BetweenThresholds }, matches);
    }

    [Fact]
    public void TiesBetweenGroundTruthsGoToTheFirst()
    {
        using var scope = torch.NewDisposeScope();
        var q = torch.tensor(new float[,] { { 0.8f, 0.1f }, { 0.8f, 0.1f } });
        var matches = new Matcher(0.7, 0.3).Match(q).data<long>().ToArray();
        Assert.Equal(new long[] { 0, Matcher.BelowLowThreshold }, matches);
    }

    [Fact]
    public void EmptyMatrixIsRefused()
    {
        using var scope = torch.NewDisposeScope();
        var m = new Matcher(0.7, 0.3);
        Assert.Contains("ground-truth", Assert.Throws<ArgumentException>(() => m.Match(torch.zeros(0, 5))).Message);
        Assert.Contains("proposal", Assert.Throws<ArgumentException>(() => m.Match(torch.zeros(2, 0))).Message);
        Assert.Throws<ArgumentException>(() => new Matcher(0.3, 0.7));
    }
}
