using TextureBias.Distortions;
using TextureBias.Evaluation;
using TextureBias.Observers;
using Xunit;

namespace TextureBias.Tests.Observers;

public class HumanRobustnessTests
{
    [Theory]
    [InlineData("uniform-noise", "uniform-noise")]
    [InlineData("eidolon-II", "eidolonII")]
    [InlineData("false-colour", "false-colour")]
    [InlineData("salt-and-pepper", null)]
    public void DistortionsAreMatchedToTheirExperiments(string distortion, string? experiment) =>
        Assert.Equal(experiment, HumanRobustness.ExperimentOf(distortion));

    [Fact]
    public void EveryLevelOfThePapersDistortionsHasTheFourSubjects()
    {
        foreach (var name in Robustness.PaperDistortions.Append("false-colour").Append("rotation").Append("colour").Append("power-equalisation"))
        {
            var d = DistortionRegistry.Get(name);
            var humans = HumanRobustness.At(d, d.Levels)!;
            Assert.Equal(d.Levels.Select(l => l.Condition), humans.Select(h => h.Condition));
            Assert.All(humans, h => Assert.Equal(4, h.Subjects));
        }
    }

    [Fact]
    public void TheMeanIsTheMeanOfTheSubjectsAccuraciesAtTheMatchingCondition()
    {
        var d = DistortionRegistry.Get("uniform-noise");
        var level = d.ParseLevel("0.1");
        var human = Assert.Single(HumanRobustness.At(d, new[] { level })!);
        // The human file writes this level as "0.10".
        var subjects = RawData.Accuracy(HumanObservers.Load().Of("uniform-noise"), pooled: false).Where(a => a.Condition == "0.10").ToList();
        Assert.Equal(4, subjects.Count);
        Assert.Equal(subjects.Average(s => s.Accuracy), human.Mean, 12);
        Assert.Equal(subjects.Min(s => s.Accuracy), human.Min, 12);
        Assert.Equal(subjects.Max(s => s.Accuracy), human.Max, 12);
        Assert.Equal(subjects.Sum(s => s.Trials), human.Trials);
        Assert.Null(HumanRobustness.At(DistortionRegistry.Get("salt-and-pepper"), DistortionRegistry.Get("salt-and-pepper").Levels));
        var unseen = Assert.Single(HumanRobustness.At(d, new[] { d.ParseLevel("0.15") })!);
        Assert.Equal(0, unseen.Subjects);
        Assert.True(double.IsNaN(unseen.Mean));
    }
}
