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
    public void MacsMatchTheReferenceMeasurements(string arch, double gmacs)
    {
        using var model = Architectures.Create(arch);
        Assert.Equal(gmacs, model.MultiplyAccumulates(224, 224) / 1e9, 2);
    }
}
