using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Reports;
using Xunit;

namespace TextureBias.Tests.Evaluation;

public class SixteenClassAccuracyTests : TempDirTest
{
    [Fact]
    public void ConfusionMatrixCountsEveryEdgeImageOnce()
    {
        using var model = Architectures.Create("resnet18");
        var result = SixteenClassAccuracy.Run(model, Fixture.Stimuli("edges"), new Preprocessing(0, 0));
        Assert.Equal(160, result.Images);
        int diagonal = 0;
        for (int i = 0; i < 16; i++)
        {
            int row = 0;
            for (int j = 0; j < 16; j++) row += result.Confusion[i, j];
            Assert.Equal(10, row);
            diagonal += result.Confusion[i, i];
        }
        Assert.Equal(diagonal / 160.0, result.Accuracy, 12);

        using var figure = ConfusionMatrixFigure.Render(result, "test");
        int ink = 0;
        for (int y = 60; y < 60 + 16 * 34; y++)
        for (int x = 10; x < 85; x++)
            if (figure.GetPixel(x, y).Red < 100) ink++;
        Assert.True(ink > 200, $"category labels have only {ink} dark pixels");

        Directory.CreateDirectory(Path.Combine(_dir, "cats"));
        Assert.Contains("not one of the 16 categories", Assert.Throws<TextureBiasException>(() => SixteenClassAccuracy.Run(model, _dir, new Preprocessing(0, 0))).Message);
    }
}
