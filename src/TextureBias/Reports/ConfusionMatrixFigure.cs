using SkiaSharp;
using TextureBias.Evaluation;

namespace TextureBias.Reports;

/// <summary>A confusion matrix of the 16 categories (or a network's own classes): rows the true category, columns the decision, cells shaded by the row's fraction, counts written in.</summary>
public static class ConfusionMatrixFigure
{
    /// <summary>Renders <paramref name="result"/> with a title.</summary>
    public static SKBitmap Render(SixteenClassAccuracyResult result, string title)
    {
        var names = result.Categories;
        const int cell = 34, left = 90, top = 60, margin = 16;
        using var titleFont = Fonts.Font(15);
        int n = names.Count, height = top + n * cell + 90;
        string heading = $"{title}: {n}-class accuracy {100 * result.Accuracy:0.0}% ({result.Images} images)";
        int width = Math.Max(left + n * cell + margin, (int)Math.Ceiling(titleFont.MeasureText(heading)) + 2 * margin);
        var bitmap = Bitmaps.White(width, height);
        using var canvas = new SKCanvas(bitmap);
        using var font = Fonts.Font(11);
        using var ink = Bitmaps.Ink();
        using var light = new SKPaint { Color = SKColors.White, IsAntialias = true };
        canvas.DrawText(heading, margin, 24, SKTextAlign.Left, titleFont, ink);
        canvas.DrawText("decision →", left, top - 24, SKTextAlign.Left, font, ink);
        for (int i = 0; i < n; i++)
        {
            int rowTotal = 0;
            for (int j = 0; j < n; j++) rowTotal += result.Confusion[i, j];
            canvas.DrawText(names[i], left - 6, top + i * cell + cell / 2f + 4, SKTextAlign.Right, font, ink);
            for (int j = 0; j < n; j++)
            {
                double f = rowTotal == 0 ? 0 : (double)result.Confusion[i, j] / rowTotal;
                byte shade = (byte)(255 - 200 * f);
                using var fill = new SKPaint { Color = i == j ? new SKColor((byte)(shade * 0.8), shade, (byte)(shade * 0.8)) : new SKColor(shade, shade, 255) };
                canvas.DrawRect(left + j * cell, top + i * cell, cell - 1, cell - 1, fill);
                if (result.Confusion[i, j] > 0)
                    canvas.DrawText(result.Confusion[i, j].ToString(), left + j * cell + cell / 2f, top + i * cell + cell / 2f + 4, SKTextAlign.Center, font, f > 0.6 ? light : ink);
            }
        }
        for (int j = 0; j < n; j++)
        {
            canvas.Save();
            canvas.Translate(left + j * cell + cell / 2f + 4, top + n * cell + 6);
            canvas.RotateDegrees(60);
            canvas.DrawText(names[j], 0, 0, SKTextAlign.Left, font, ink);
            canvas.Restore();
        }
        return bitmap;
    }

    /// <summary>Renders and writes the figure as a PNG, atomically.</summary>
    public static void Save(string path, SixteenClassAccuracyResult result, string title)
    {
        using var bitmap = Render(result, title);
        Bitmaps.SavePng(path, bitmap);
    }
}
