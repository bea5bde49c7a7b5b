using TextureBias.Observers;
using Xunit;

namespace TextureBias.Tests.Observers;

public class ConsistencyMatrixFigureTests
{
    [Fact]
    public void CellsAreColouredByKappaAndLabelled()
    {
        var m = new ConsistencyMatrix(["a", "b"], [[1.0, -1.0], [-1.0, 1.0]], []);
        using var figure = TextureBias.Reports.ConsistencyMatrixFigure.Render(m, "test");
        // Find the grid: cell (0,0) is kappa 1 (dark red), cell (0,1) kappa -1 (dark blue).
        int redX = -1, y0 = -1;
        for (int y = 0; y < figure.Height && redX < 0; y++)
            for (int x = 0; x < figure.Width; x++)
            {
                var c = figure.GetPixel(x, y);
                if (c.Red > 90 && c.Green < 20 && c.Blue < 40) { redX = x; y0 = y; break; }
            }
        Assert.True(redX >= 0, "no kappa-1 (red) cell");
        var right = figure.GetPixel(redX + 50, y0 + 2);
        Assert.True(right.Blue > right.Red + 40, $"the kappa -1 cell right of it is not blue: {right}");
        // Labels on the left of the grid are drawn in dark ink.
        int ink = 0;
        for (int y = y0; y < y0 + 96; y++)
            for (int x = 0; x < redX - 2; x++)
                if (figure.GetPixel(x, y).Red < 100 && figure.GetPixel(x, y).Blue < 100) ink++;
        Assert.True(ink > 10, $"observer labels have only {ink} dark pixels");
    }
}
