using TextureBias.Observers;
using Xunit;

namespace TextureBias.Tests.Observers;

public class HumanObserversTests
{
    [Fact]
    public void TheBundledTableCoversAllTwelveExperimentsWithFourSubjects()
    {
        var table = HumanObservers.Load();
        Assert.Equal(12, table.Experiments.Count);
        Assert.Equal(HumanObservers.Experiments.Order(), table.Experiments.Order());
        // Trial counts of the source files (model-vs-human raw-data, counted with awk): 4 subjects each;
        // 1120 trials per subject in false-colour, phase-scrambling and power-equalisation, 1280 in the others.
        foreach (var e in table.Experiments)
        {
            var trials = table.Of(e);
            Assert.Equal(["subject-01", "subject-02", "subject-03", "subject-04"], trials.Select(t => t.Subject).Distinct().Order());
            int perSubject = e is "false-colour" or "phase-scrambling" or "power-equalisation" ? 1120 : 1280;
            Assert.Equal(4 * perSubject, trials.Count);
            Assert.All(trials, t => Assert.Contains(t.Category, TextureBias.Evaluation.SixteenClassMapping.Categories));
        }
        Assert.Equal(59520, table.Trials.Values.Sum(t => t.Count));
        Assert.Contains("no human data for experiment 'noise'", Assert.Throws<TextureBiasException>(() => table.Of("noise")).Message);
    }

    [Fact]
    public void AccuraciesMatchTheSourceFiles()
    {
        var table = HumanObservers.Load();
        // Correct/trials per condition pooled over the 4 subjects, counted in the source CSVs with awk ($5 == $6).
        var contrast = table.Accuracy("contrast").Where(a => a.Observer == "pooled").ToList();
        Assert.Equal(["c01", "c03", "c05", "c10", "c15", "c30", "c50", "c100"], contrast.Select(a => a.Condition));
        Assert.Equal([40, 96, 226, 381, 470, 509, 529, 548], contrast.Select(a => a.Correct));
        Assert.All(contrast, a => Assert.Equal(640, a.Trials));
        var lowPass = table.Accuracy("low-pass").Where(a => a.Observer == "pooled").ToDictionary(a => a.Condition, a => a.Correct);
        Assert.Equal((589, 39), (lowPass["0"], lowPass["40"]));
        var s2 = table.Accuracy("contrast").Single(a => a.Observer == "subject-02" && a.Condition == "c100");
        Assert.Equal((135, 160), (s2.Correct, s2.Trials));
    }

    [Fact]
    public void HumansAreErrorConsistentWithEachOther()
    {
        var trials = HumanObservers.Load().Of("contrast");
        var r = ErrorConsistency.Compute("subject-01", trials.Where(t => t.Subject == "subject-01").ToList(), "subject-02", trials.Where(t => t.Subject == "subject-02").ToList());
        // Computed once by hand from the source CSVs (/usr/bin/python3, csv module, same matching by condition and short image id):
        // all 1280 trials: p1 0.5125, p2 0.52109375, c_obs 0.79296875, c_exp 0.50052734375, kappa 0.585500332381809;
        // condition c05 (160 trials): c_obs 0.74375, c_exp 0.5984375, kappa 0.3618677042801556.
        Assert.Equal((1280, 0), (r.All.Trials, r.Unmatched));
        Assert.Equal(0.79296875, r.All.Observed, 12);
        Assert.Equal(0.50052734375, r.All.Expected, 12);
        Assert.Equal(0.585500332381809, r.All.Kappa, 12);
        var c05 = r.PerCondition.Single(c => c.Condition == "c05");
        Assert.Equal(0.3618677042801556, c05.Kappa, 12);
    }
}
