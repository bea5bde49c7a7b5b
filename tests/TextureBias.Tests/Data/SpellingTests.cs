using TextureBias.Data;
using Xunit;

namespace TextureBias.Tests.Data;

public sealed class SpellingTests
{
    private static readonly string[] Options = { "--arch", "--weights", "--resize", "--crop", "--top", "--batch", "--logits-out", "--json", "--epochs", "--help" };

    [Theory]
    [InlineData("--wieghts", "--weights")] // two letters swapped
    [InlineData("--epoch", "--epochs")] // one letter missing
    [InlineData("--weigths", "--weights")]
    [InlineData("--logits", "--logits-out")] // the start of a longer name
    [InlineData("--Resize", "--resize")]
    [InlineData("--hlep", "--help")]
    [InlineData("--ach", "--arch")]
    public void FindsTheNameMeant(string typed, string meant) => Assert.Equal(meant, Spelling.Closest(typed, Options));

    [Theory]
    [InlineData("--stimuli")]
    [InlineData("--x")]
    [InlineData("--")]
    public void SuggestsNothingFarAway(string typed) => Assert.Null(Spelling.Closest(typed, Options));

    [Theory]
    [InlineData("weights", "wieghts", 1)]
    [InlineData("epoch", "epochs", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("ca", "abc", 3)] // optimal string alignment, not full Damerau
    public void DistanceCountsEdits(string a, string b, int expected)
    {
        Assert.Equal(expected, Spelling.Distance(a, b));
        Assert.Equal(expected, Spelling.Distance(b, a));
    }
}
