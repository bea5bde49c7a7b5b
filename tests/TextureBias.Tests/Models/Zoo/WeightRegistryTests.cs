using TextureBias.Models;
using TextureBias.Models.Zoo;
using Xunit;

namespace TextureBias.Tests.Models.Zoo;

public class WeightRegistryTests
{
    [Fact]
    public void TheBuiltInRegistryHoldsThePublishedWeights()
    {
        var registry = WeightRegistry.BuiltIn;
        string[] expected =
        {
            "bagnet9", "bagnet17", "bagnet33", "resnet50", "vgg16", "resnet50_trained_on_SIN", "resnet50_trained_on_SIN_and_IN",
            "resnet50_trained_on_SIN_and_IN_then_finetuned_on_IN", "vgg16_trained_on_SIN", "alexnet_trained_on_SIN", "vgg_normalised", "decoder",
        };
        Assert.Equal(expected, registry.Entries.Select(e => e.Name));
        foreach (var e in registry.Entries)
        {
            Assert.All(e.Urls, u => Assert.StartsWith("https://", u));
            Assert.All(e.Urls, u => Assert.EndsWith("/" + e.File, u)); // torch.hub names the cached file after the URL
            Assert.True(e.ExpectedHash.Length >= 8, e.Name);
            Assert.False(string.IsNullOrWhiteSpace(e.Licence), e.Name);
            Assert.False(string.IsNullOrWhiteSpace(e.Source), e.Name);
            if (e.Kind == WeightKind.Classifier) Assert.Contains(e.Architecture!, Architectures.Names);
        }
        Assert.Equal("2ddd53ed", registry.Get("bagnet33").ExpectedHash);
        Assert.Equal("alexnet", registry.Get("alexnet_trained_on_SIN").Architecture);
        Assert.Equal(WeightKind.AdaInEncoder, registry.Get("vgg_normalised").Kind);
        Assert.Equal(WeightKind.AdaInDecoder, registry.Get("decoder").Kind);
        Assert.Equal(81.37, registry.Get("resnet50_trained_on_SIN").Published!.ShapeBias);
        Assert.Equal(64, registry.Get("resnet50").Sha256!.Length);
    }

    [Theory]
    [InlineData("bagnet32-2ddd53ed.pth.tar", "2ddd53ed")]
    [InlineData("alexnet_train_60_epochs_lr0.001-b4aa5238.pth.tar", "b4aa5238")]
    [InlineData("resnet50_finetune_60_epochs_lr_decay_after_30_start_resnet50_train_45_epochs_combined_IN_SF-ca06340c.pth.tar", "ca06340c")]
    [InlineData("vgg_normalised.pth", null)]
    [InlineData("model-best.pth", null)]
    public void TheHashPrefixFollowsTorchHub(string file, string? prefix) => Assert.Equal(prefix, PretrainedWeights.HashPrefixOf(file));

    [Theory]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet50","file":"a.pth","urls":["https://x/a.pth"]}]}""", "no sha256")]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet50","file":"a-12345678.pth","urls":["ftp://x/a.pth"]}]}""", "not an http(s) URL")]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet51","file":"a-12345678.pth","urls":["https://x/a.pth"]}]}""", "architecture")]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet50","file":"../a-12345678.pth","urls":["https://x/a.pth"]}]}""", "plain file name")]
    [InlineData("""{"weights":[{"name":"a","kind":"adain-decoder","file":"a-12345678.pth","urls":["https://x/a"]},{"name":"A","kind":"adain-decoder","file":"b-12345678.pth","urls":["https://x/b"]}]}""", "twice")]
    [InlineData("""{"weights":[{"name":"a","kind":"adain-decoder","file":"a-12345678.pth","urls":["https://x/a"],"sha256":"ffff"}]}""", "64 hex")]
    [InlineData("""{"models":[]}""", "no \"weights\" list")]
    [InlineData("""{"weights":[{"name":"a","kind":"painting"}]}""", "not a weight registry")]
    public void BadRegistriesAreRefusedWithTheReason(string json, string reason)
    {
        var e = Assert.Throws<TextureBiasException>(() => WeightRegistry.Parse(json, "my-registry.json"));
        Assert.Contains("my-registry.json", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void AUserRegistryAddsAndReplacesEntries()
    {
        var mine = WeightRegistry.Parse("""
            {"weights": [
              {"name": "bagnet33", "kind": "classifier", "architecture": "bagnet33", "file": "bagnet32-2ddd53ed.pth.tar",
               "urls": ["https://mirror.example.org/bagnet32-2ddd53ed.pth.tar"], "trainedOn": "ImageNet", "licence": "MIT", "source": "lab mirror"},
              {"name": "my_resnet", "kind": "classifier", "architecture": "resnet50", "file": "my-resnet-0123abcd.pth",
               "urls": ["https://example.org/my-resnet-0123abcd.pth"], "trainedOn": "our data", "licence": "ours", "source": "us"}
            ]}
            """, "mine.json");
        var merged = WeightRegistry.BuiltIn.With(mine);
        Assert.Equal(WeightRegistry.BuiltIn.Entries.Count + 1, merged.Entries.Count);
        Assert.Equal("https://mirror.example.org/bagnet32-2ddd53ed.pth.tar", merged.Get("bagnet33").Urls.Single());
        Assert.Equal("resnet50", merged.Get("my_resnet").Architecture);
        var e = Assert.Throws<TextureBiasException>(() => merged.Get("bagnet34"));
        Assert.Contains("bagnet33", e.Message);
    }
}
