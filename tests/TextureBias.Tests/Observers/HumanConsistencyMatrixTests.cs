using TextureBias.Observers;
using Xunit;

namespace TextureBias.Tests.Observers;

public class HumanConsistencyMatrixTests
{
    [Fact]
    public void TheMatrixHoldsTheMeanPerConditionKappaNotThePooledOne()
    {
        var observers = ErrorConsistency.BySubject(HumanObservers.Load().Of("contrast"));
        var m = ErrorConsistency.Matrix(observers);
        var pair = m.Pairs.Single(p => p.ObserverA == "subject-01" && p.ObserverB == "subject-02");
        Assert.Equal(pair.PerCondition.Average(c => c.Kappa), m.Kappa[0][1], 12);
        Assert.Equal(8, pair.PerCondition.Count);
        // Pooling the conditions inflates kappa (hard conditions make both err): 0.5855 pooled (see HumanObserversTests).
        Assert.True(pair.All.Kappa > m.Kappa[0][1] + 0.1, $"pooled {pair.All.Kappa} vs mean {m.Kappa[0][1]}");
    }
}
