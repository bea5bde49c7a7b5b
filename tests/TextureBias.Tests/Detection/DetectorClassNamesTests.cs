using TextureBias.Detection;
using TextureBias.Models.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

public class DetectorClassNamesTests : TempDirTest
{
    [Fact]
    public void NamesFromTheCheckpointElseCocoOrVocOrNumbers()
    {
        string path = Path.Combine(_dir, "checkpoint.pth");
        using var weight = zeros(2);
        WeightFile.SaveTree(path, new Dictionary<string, object?>
        {
            ["model"] = new LegacyTorchWriter.OrderedState([new KeyValuePair<string, object?>("x.weight", weight)]),
            [DetectorClassNames.Key] = new List<object?> { "__background__", "square", "circle" },
        });
        Assert.Equal(["__background__", "square", "circle"], DetectorClassNames.For(path, 3));
        // names of another count are not the network's: the defaults
        Assert.Equal(["0", "1", "2", "3"], DetectorClassNames.For(path, 4));
        Assert.Equal("dog", DetectorClassNames.For(path, 21)[12]);
        Assert.Equal("toothbrush", DetectorClassNames.For(null, 91)[90]);
    }
}
