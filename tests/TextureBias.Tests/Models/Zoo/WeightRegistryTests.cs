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
            "bagnet9", "bagnet17", "bagnet33", "resnet50", "vgg16", "resnet101", "resnet152", "vgg19", "vgg16_bn", "vgg19_bn",
            "densenet121", "densenet161", "densenet169", "densenet201", "googlenet", "resnet50_trained_on_SIN", "resnet50_trained_on_SIN_and_IN",
            "resnet50_trained_on_SIN_and_IN_then_finetuned_on_IN", "vgg16_trained_on_SIN", "alexnet_trained_on_SIN", "vgg_normalised", "decoder",
            "fasterrcnn_resnet50_fpn_coco",
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
            Assert.True(e.SizeLimit > 0, e.Name); // every download is bounded
        }
        Assert.Equal("2ddd53ed", registry.Get("bagnet33").ExpectedHash);
        Assert.Equal("alexnet", registry.Get("alexnet_trained_on_SIN").Architecture);
        Assert.Equal(WeightKind.AdaInEncoder, registry.Get("vgg_normalised").Kind);
        Assert.Equal(WeightKind.AdaInDecoder, registry.Get("decoder").Kind);
        Assert.Equal(81.37, registry.Get("resnet50_trained_on_SIN").Published!.ShapeBias);
        Assert.Equal(64, registry.Get("resnet50").Sha256!.Length);
        var detector = registry.Get("fasterrcnn_resnet50_fpn_coco");
        Assert.Equal(WeightKind.Detector, detector.Kind);
        Assert.Equal("258fb6c6", detector.ExpectedHash);
        Assert.Equal(37.0, detector.Published!.BoxAp);
    }

    [Theory]
    [InlineData("bagnet32-2ddd53ed.pth.tar", "2ddd53ed")]
    [InlineData("alexnet_train_60_epochs_lr0.001-b4aa5238.pth.tar", "b4aa5238")]
    [InlineData("resnet50_finetune_60_epochs_lr_decay_after_30_start_resnet50_train_45_epochs_combined_IN_SF-ca06340c.pth.tar", "ca06340c")]
    [InlineData("vgg_normalised.pth", null)]
    [InlineData("model-best.pth", null)]
    public void TheHashPrefixFollowsTorchHub(string file, string? prefix) => Assert.Equal(prefix, PretrainedWeights.HashPrefixOf(file));

    [Theory]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet50","file":"a.pth","urls":["https://x/a.pth"],"maxSize":1000}]}""", "no sha256")]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet50","file":"a-12345678.pth","urls":["ftp://x/a.pth"],"maxSize":1000}]}""", "not an https URL")]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet50","file":"a-12345678.pth","urls":["https://x/a.pth","http://mirror.example.org/a.pth"],"maxSize":1000}]}""", "weights 'a': 'http://mirror.example.org/a.pth' is plain http; only https")]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet50","file":"a-12345678.pth","urls":["http://127.0.0.1:8080/a.pth"],"maxSize":1000}]}""", "is plain http")]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet51","file":"a-12345678.pth","urls":["https://x/a.pth"],"maxSize":1000}]}""", "architecture")]
    [InlineData("""{"weights":[{"name":"a","kind":"classifier","architecture":"resnet50","file":"../a-12345678.pth","urls":["https://x/a.pth"],"maxSize":1000}]}""", "plain file name")]
    [InlineData("""{"weights":[{"name":"a","kind":"adain-decoder","file":"a-12345678.pth","urls":["https://x/a"],"maxSize":1000},{"name":"A","kind":"adain-decoder","file":"b-12345678.pth","urls":["https://x/b"],"maxSize":1000}]}""", "twice")]
    [InlineData("""{"weights":[{"name":"a","kind":"adain-decoder","file":"a-12345678.pth","urls":["https://x/a"],"sha256":"ffff","maxSize":1000}]}""", "64 hex")]
    [InlineData("""{"weights":[{"name":"a","kind":"adain-decoder","file":"a-12345678.pth","urls":["https://x/a"]}]}""", "no size (the file's exact bytes) or maxSize")]
    [InlineData("""{"weights":[{"name":"a","kind":"adain-decoder","file":"a-12345678.pth","urls":["https://x/a"],"size":1000,"maxSize":2000}]}""", "not both")]
    [InlineData("""{"weights":[{"name":"a","kind":"adain-decoder","file":"a-12345678.pth","urls":["https://x/a"],"maxSize":0}]}""", "positive")]
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
               "urls": ["https://mirror.example.org/bagnet32-2ddd53ed.pth.tar"], "maxSize": 170000000, "trainedOn": "ImageNet", "licence": "MIT", "source": "lab mirror"},
              {"name": "my_resnet", "kind": "classifier", "architecture": "resnet50", "file": "my-resnet-0123abcd.pth",
               "urls": ["https://example.org/my-resnet-0123abcd.pth"], "size": 102502400, "trainedOn": "our data", "licence": "ours", "source": "us"}
            ]}
            """, "mine.json");
        var merged = WeightRegistry.BuiltIn.With(mine);
        Assert.Equal(WeightRegistry.BuiltIn.Entries.Count + 1, merged.Entries.Count);
        Assert.Equal("https://mirror.example.org/bagnet32-2ddd53ed.pth.tar", merged.Get("bagnet33").Urls.Single());
        Assert.Equal("resnet50", merged.Get("my_resnet").Architecture);
        Assert.Equal(102502400, merged.Get("my_resnet").SizeLimit);
        var e = Assert.Throws<TextureBiasException>(() => merged.Get("bagnet34"));
        Assert.Contains("bagnet33", e.Message);
    }

    [Fact]
    public void LoopbackHttpIsAcceptedOnlyWhenTestsAskForIt()
    {
        const string json = """{"weights":[{"name":"a","kind":"adain-decoder","file":"a-12345678.pth","urls":["http://127.0.0.1:8080/a-12345678.pth"],"maxSize":1000}]}""";
        Assert.Throws<TextureBiasException>(() => WeightRegistry.Parse(json, "t.json"));
        var allowed = WeightRegistry.Parse(json, "t.json", allowInsecureLocalhost: true);
        Assert.True(allowed.AllowsInsecureLocalhost);
        Assert.True(WeightRegistry.BuiltIn.With(allowed).AllowsInsecureLocalhost); // kept when merged
        Assert.False(WeightRegistry.BuiltIn.AllowsInsecureLocalhost);

        // Even then, only the loopback address: any other host must be https.
        var e = Assert.Throws<TextureBiasException>(() => WeightRegistry.Parse(json.Replace("127.0.0.1:8080", "example.org"), "t.json", allowInsecureLocalhost: true));
        Assert.Contains("plain http", e.Message);
    }

    [Fact]
    public void AUserRegistryWithAnHttpUrlIsRefusedNamingTheFileAndEntry()
    {
        string path = Path.Combine(Fixture.TempDir(), "lab.json");
        File.WriteAllText(path, """
            {"weights": [{"name": "lab_bagnet", "kind": "classifier", "architecture": "bagnet33", "file": "bagnet32-2ddd53ed.pth.tar",
              "urls": ["http://lab.example.org/bagnet32-2ddd53ed.pth.tar"], "maxSize": 170000000, "trainedOn": "x", "licence": "x", "source": "x"}]}
            """);
        var e = Assert.Throws<TextureBiasException>(() => WeightRegistry.Load(path));
        Assert.StartsWith($"{path}: weights 'lab_bagnet': 'http://lab.example.org/bagnet32-2ddd53ed.pth.tar' is plain http", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    /// <summary>
    /// The built-in bounds hold the networks they bound: each is at least the fp32 parameters and
    /// buffers of its architecture (1000 classes), plus 10%. A bound below that would cut off the real file.
    /// </summary>
    [Fact]
    public void EveryBuiltInSizeBoundHoldsItsNetwork()
    {
        foreach (var e in WeightRegistry.BuiltIn.Entries)
        {
            using TorchSharp.torch.nn.Module model = e.Kind switch
            {
                WeightKind.Classifier => Architectures.Create(e.Architecture!, 1000),
                WeightKind.AdaInEncoder => new TextureBias.Style.VggEncoder(),
                WeightKind.Detector => new TextureBias.Detection.FasterRcnn(TextureBias.Detection.FasterRcnnOptions.Torchvision),
                _ => new TextureBias.Style.AdaInDecoder(),
            };
            long values = model.parameters().Sum(p => p.numel()) + model.buffers().Sum(b => b.numel());
            Assert.True(e.SizeLimit >= values * 4 * 1.1, $"{e.Name}: {e.SizeLimit} bytes < {values} values x 4 bytes x 1.1");
        }
    }
}
