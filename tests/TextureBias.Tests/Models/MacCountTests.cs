using TextureBias.Models;
using Xunit;

namespace TextureBias.Tests.Models;

public class MacCountTests
{
    /// <summary>GMACs per 224-pixel image measured for the reference models (FACTS.md H).</summary>
    [Theory]
    [InlineData("bagnet9", 15.93)]
    [InlineData("bagnet17", 15.65)]
    [InlineData("bagnet33", 16.26)]
    [InlineData("resnet50", 4.09)]
    [InlineData("vgg16", 15.47)] // torchvision's documented "GFLOPS", which count multiply–accumulates
    [InlineData("alexnet", 0.71)]
    // torchvision's documented "GFLOPS" (multiply–accumulates of convolutions and linear layers; FACTS-2 §3)
    [InlineData("resnet101", 7.80)]
    [InlineData("resnet152", 11.51)]
    [InlineData("vgg19", 19.63)]
    [InlineData("vgg16_bn", 15.47)]
    [InlineData("vgg19_bn", 19.63)]
    [InlineData("densenet121", 2.83)]
    [InlineData("densenet161", 7.73)]
    [InlineData("densenet169", 3.36)]
    [InlineData("densenet201", 4.29)]
    [InlineData("googlenet", 1.50)]
    public void MacsMatchTheReferenceMeasurements(string arch, double gmacs)
    {
        using var model = Architectures.Create(arch);
        Assert.Equal(gmacs, model.MultiplyAccumulates(224, 224) / 1e9, 2);
    }
}
