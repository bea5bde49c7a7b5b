using TextureBias.Models.Zoo;
using Xunit;

namespace TextureBias.Tests.Models.Zoo;

/// <summary>The rule a weight file's SHA-256 is held to: registered, recorded on first verification (trust on first use), or a name's prefix.</summary>
public class WeightHashTests
{
    private const string Name = "bagnet32-2ddd53ed.pth.tar";
    private static readonly string First = "2ddd53ed" + new string('a', 56);
    private static readonly string SamePrefix = "2ddd53ed" + new string('b', 56); // a 32-bit prefix collision, as an attacker could make
    private static readonly string Other = "0123abcd" + new string('a', 56);

    [Fact]
    public void APrefixAloneAcceptsAnyFileWithThatPrefix()
    {
        var rule = new WeightHash(Name, null, "2ddd53ed", null);
        Assert.Equal(HashBasis.Prefix, rule.Basis);
        Assert.True(rule.Accepts(First));
        Assert.True(rule.Accepts(SamePrefix));
        Assert.Contains("does not begin with 2ddd53ed", rule.Refusal(Other));
        Assert.Contains(Other, rule.Refusal(Other));
    }

    [Fact]
    public void ARecordedWholeHashRefusesAnotherFileWithTheSamePrefix()
    {
        var rule = new WeightHash(Name, null, "2ddd53ed", First);
        Assert.Equal(HashBasis.Recorded, rule.Basis);
        Assert.Equal(First, rule.Expected);
        Assert.True(rule.Accepts(First));
        Assert.True(rule.Accepts(First.ToUpperInvariant()));
        string? refusal = rule.Refusal(SamePrefix);
        Assert.NotNull(refusal);
        Assert.Contains("begins with the registered prefix 2ddd53ed but is not the " + First + " recorded", refusal);
        Assert.Contains(SamePrefix, refusal);
        Assert.Contains($"is not the {First} recorded", rule.Refusal(Other));
        Assert.Contains("nor does it begin with the registered prefix 2ddd53ed", rule.Refusal(Other));
    }

    [Fact]
    public void ARegisteredWholeHashWinsOverARecordedOne()
    {
        var rule = WeightHash.For("resnet50-0676ba61.pth", "0676ba61" + new string('c', 56), "0676ba61" + new string('d', 56));
        Assert.Equal(HashBasis.Registered, rule.Basis);
        Assert.Null(rule.Recorded);
        Assert.True(rule.Accepts("0676ba61" + new string('c', 56)));
        Assert.Contains("is not the registered", rule.Refusal("0676ba61" + new string('d', 56)));
    }

    [Fact]
    public void ARecordOfAnotherPrefixOrMalformedIsIgnored()
    {
        Assert.Null(WeightHash.For(Name, null, Other).Recorded);
        Assert.Null(WeightHash.For(Name, null, "2ddd53ed").Recorded);
        Assert.Null(WeightHash.For(Name, null, null).Recorded);
        Assert.Equal(First, WeightHash.For(Name, null, First.ToUpperInvariant()).Recorded);
        Assert.Equal("2ddd53ed", WeightHash.For(Name, null, null).Prefix);
    }

    [Fact]
    public void TheRegistryEntryAcceptsOnlyItsRegisteredHash()
    {
        var bagnet33 = TextureBias.Models.Zoo.WeightRegistry.BuiltIn.Get("bagnet33");
        Assert.True(bagnet33.Accepts(First));
        Assert.False(bagnet33.Accepts(Other)); // whatever the file being checked is called
        var resnet = TextureBias.Models.Zoo.WeightRegistry.BuiltIn.Get("resnet50");
        Assert.True(resnet.Accepts(resnet.Sha256!));
        Assert.False(resnet.Accepts(resnet.Sha256![..8] + new string('0', 56))); // a whole hash is compared whole
        Assert.False(resnet.Accepts("19c8e357" + new string('0', 56))); // the older torchvision file's prefix counts only in the hub cache
    }
}
