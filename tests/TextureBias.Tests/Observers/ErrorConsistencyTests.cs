using TextureBias.Observers;
using Xunit;

namespace TextureBias.Tests.Observers;

public class ErrorConsistencyTests
{
    private static List<RawTrial> Trials(string subject, string condition, IEnumerable<bool> correct, string prefix = "") =>
        correct.Select((c, i) => new RawTrial(subject, "1", condition, $"{prefix}{i:0000}_x_s01_{condition}_cat_10_n0212_{i}.png", "cat", c ? "cat" : "dog")).ToList();

    [Fact]
    public void IdenticalObserversHaveKappaOneIndependentZeroOppositeMinusOne()
    {
        var a = Enumerable.Range(0, 100).Select(i => i % 2 == 0).ToList();
        var independent = Enumerable.Range(0, 100).Select(i => i / 2 % 2 == 0).ToList(); // agrees with a on exactly half, each 50% right
        var opposite = a.Select(x => !x).ToList();
        Assert.Equal(1.0, ErrorConsistency.Compute("a", Trials("a", "0", a), "b", Trials("b", "0", a)).All.Kappa, 12);
        var ind = ErrorConsistency.Compute("a", Trials("a", "0", a), "b", Trials("b", "0", independent)).All;
        Assert.Equal((0.5, 0.5, 0.0), (ind.Observed, ind.Expected, ind.Kappa));
        var opp = ErrorConsistency.Compute("a", Trials("a", "0", a), "b", Trials("b", "0", opposite)).All;
        Assert.Equal((0.0, 0.5, -1.0), (opp.Observed, opp.Expected, opp.Kappa));
    }

    [Fact]
    public void KappaFollowsCohenWithTheReferencesRuleForPerfectAgreement()
    {
        // A right on 8 of 10, B on 6, both on 5, both wrong on 1: c_obs = 0.6, c_exp = .8*.6 + .2*.4 = 0.56, kappa = 0.04/0.44.
        bool[] a = [true, true, true, true, true, true, true, true, false, false];
        bool[] b = [true, true, true, true, true, false, false, false, true, false];
        var r = ErrorConsistency.Of("c", a, b);
        Assert.Equal(0.8, r.AccuracyA, 12);
        Assert.Equal(0.6, r.AccuracyB, 12);
        Assert.Equal(0.6, r.Observed, 12);
        Assert.Equal(0.56, r.Expected, 12);
        Assert.Equal(0.04 / 0.44, r.Kappa, 12);
        // Both always right: c_exp = 1, and kappa is 1 (model-vs-human: c_obs = 1 gives 1), not NaN.
        var all = ErrorConsistency.Of("c", [true, true], [true, true]);
        Assert.Equal((1.0, 1.0, 1.0), (all.Observed, all.Expected, all.Kappa));
        Assert.Equal(1.0, ErrorConsistency.Of("c", [false, false], [false, false]).Kappa);
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorConsistency.Kappa(1.5, 0.5));
    }

    [Fact]
    public void TrialsAreMatchedByImageIdWhateverTheirOrderOrPrefix()
    {
        var a = Enumerable.Range(0, 40).Select(i => i % 3 == 0).ToList();
        var ta = Trials("a", "c1", a);
        // B saw the same images in another order, with another experiment prefix: same outcomes → kappa 1.
        var tb = Trials("b", "c1", a, prefix: "9").AsEnumerable().Reverse().ToList();
        Assert.Equal(1.0, ErrorConsistency.Compute("a", ta, "b", tb).All.Kappa, 12);
        // Misaligned by position but matched by image: still 1. Unmatched by position would not be.
        var shuffled = tb.OrderBy(t => t.ImageId.GetHashCode(StringComparison.Ordinal)).ToList();
        Assert.Equal(1.0, ErrorConsistency.Compute("a", ta, "b", shuffled).All.Kappa, 12);
    }

    [Fact]
    public void PerConditionAndPooledResultsAreBothGiven()
    {
        var a = Trials("a", "c1", [true, true, false, false]).Concat(Trials("a", "c2", [true, false, true, false], "x")).ToList();
        var b = Trials("b", "c1", [true, true, false, false]).Concat(Trials("b", "c2", [false, true, false, true], "x")).ToList();
        var r = ErrorConsistency.Compute("a", a, "b", b);
        Assert.Equal(["c1", "c2"], r.PerCondition.Select(c => c.Condition));
        Assert.Equal(1.0, r.PerCondition[0].Kappa, 12);
        Assert.Equal(-1.0, r.PerCondition[1].Kappa, 12);
        Assert.Equal(0.0, r.MeanKappa, 12);
        Assert.Equal(8, r.All.Trials);
        Assert.Equal(0.5, r.All.Observed, 12);
    }

    [Fact]
    public void MissingAndDuplicateImagesAreErrorsUnlessUnmatchedAreAllowed()
    {
        var a = Trials("a", "c1", [true, false, true, false, true]);
        var b = Trials("b", "c1", [true, false, true, false]);
        var e = Assert.Throws<TextureBiasException>(() => ErrorConsistency.Compute("a", a, "b", b));
        Assert.Contains("did not see the same images under condition 'c1': 1 trial(s) unmatched", e.Message);
        var r = ErrorConsistency.Compute("a", a, "b", b, allowUnmatched: true);
        Assert.Equal((4, 1, 1.0), (r.All.Trials, r.Unmatched, r.All.Kappa));
        var twice = a.Append(a[0]).ToList();
        Assert.Contains("has image n0212_0.png twice under condition 'c1'", Assert.Throws<TextureBiasException>(() => ErrorConsistency.Compute("a", twice, "b", a)).Message);
        // A condition only one observer has is unmatched too.
        var other = Trials("b", "c2", [true, false, true, false, true]);
        Assert.Throws<TextureBiasException>(() => ErrorConsistency.Compute("a", a, "b", other));
        Assert.Contains("no image in common", Assert.Throws<TextureBiasException>(() => ErrorConsistency.Compute("a", a, "b", other, allowUnmatched: true)).Message);
    }

    [Fact]
    public void TheMatrixIsSymmetricWithOnesOnTheDiagonal()
    {
        var x = Enumerable.Range(0, 20).Select(i => i % 2 == 0).ToList();
        var m = ErrorConsistency.Matrix([("a", Trials("a", "0", x)), ("b", Trials("b", "0", x)), ("c", Trials("c", "0", x.Select(v => !v)))]);
        Assert.Equal(3, m.Pairs.Count);
        Assert.Equal(1.0, m.Kappa[0][1], 12);
        Assert.Equal(-1.0, m.Kappa[0][2], 12);
        Assert.Equal(m.Kappa[2][1], m.Kappa[1][2]);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(1.0, m.Kappa[i][i]));
        Assert.Contains("at least two observers", Assert.Throws<TextureBiasException>(() => ErrorConsistency.Matrix([("a", Trials("a", "0", x))])).Message);
    }
}
