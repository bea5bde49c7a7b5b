using SkiaSharp;

namespace TextureBias.Demo;

/// <summary>
/// The object classes of the texture–shape world: simple silhouettes, three variants each,
/// drawn in unit coordinates (the shape fits in [-1, 1]², y down) with SkiaSharp.
/// </summary>
public static class Silhouettes
{
    /// <summary>The class names, sorted ordinally (so an ImageFolder numbers them in this order).</summary>
    public static IReadOnlyList<string> Names => ClassNames;

    private static readonly string[] ClassNames = { "arrow", "cross", "fish", "heart", "house", "moon", "star", "tree" };

    /// <summary>The index of a class name, or null.</summary>
    public static int? IndexOf(string name)
    {
        int i = Array.IndexOf(ClassNames, name);
        return i >= 0 ? i : null;
    }

    /// <summary>The class of an image in an ImageFolder of the world: its folder's name, or null.</summary>
    public static int? OfFolder(string path) => IndexOf(Path.GetFileName(Path.GetDirectoryName(path)) ?? "");

    /// <summary>Variants per class.</summary>
    public const int Variants = 3;

    /// <summary>
    /// The antialiased mask (0–255, row-major) of class <paramref name="shape"/>, variant
    /// <paramref name="variant"/>, at <paramref name="pose"/> in a width × height image.
    /// </summary>
    public static byte[] Mask(int shape, int variant, Pose pose, int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Alpha8, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.Translate(pose.X, pose.Y);
            canvas.RotateDegrees(pose.Angle);
            canvas.Scale(pose.Mirror ? -pose.Radius : pose.Radius, pose.Radius);
            using var fill = new SKPaint { Color = SKColors.White, IsAntialias = true, Style = SKPaintStyle.Fill };
            using var erase = new SKPaint { Color = SKColors.White, IsAntialias = true, Style = SKPaintStyle.Fill, BlendMode = SKBlendMode.Clear };
            Draw(canvas, shape, variant, fill, erase);
        }
        return bitmap.GetPixelSpan().ToArray();
    }

    /// <summary>Draws a silhouette in unit coordinates: <paramref name="fill"/> adds, <paramref name="erase"/> cuts away.</summary>
    public static void Draw(SKCanvas canvas, int shape, int variant, SKPaint fill, SKPaint erase)
    {
        if ((uint)shape >= Names.Count) throw new ArgumentOutOfRangeException(nameof(shape));
        if ((uint)variant >= Variants) throw new ArgumentOutOfRangeException(nameof(variant));
        switch (Names[shape])
        {
            case "arrow":
                {
                    float shaft = variant == 1 ? 0.32f : 0.2f, tail = variant == 2 ? -0.55f : -0.95f;
                    Polygon(canvas, fill, (tail, -shaft / 2), (0.15f, -shaft / 2), (0.15f, -0.6f), (0.95f, 0), (0.15f, 0.6f), (0.15f, shaft / 2), (tail, shaft / 2));
                    if (variant == 2) Polygon(canvas, fill, (-0.55f, -shaft / 2), (-0.55f, -0.45f), (-0.95f, 0), (-0.55f, 0.45f), (-0.55f, shaft / 2));
                    break;
                }
            case "cross":
                {
                    float arm = variant == 1 ? 0.45f : 0.3f, bar = variant == 2 ? -0.35f : 0f;
                    canvas.DrawRect(SKRect.Create(-arm / 2, -0.95f, arm, 1.9f), fill);
                    canvas.DrawRect(SKRect.Create(-0.85f, bar - arm / 2, 1.7f, arm), fill);
                    break;
                }
            case "fish":
                {
                    float body = variant == 1 ? 0.42f : 0.32f;
                    canvas.DrawOval(new SKRect(-0.85f, -body, 0.45f, body), fill);
                    Polygon(canvas, fill, (0.3f, 0), (0.95f, -0.45f), (0.95f, 0.45f));
                    if (variant == 2) Polygon(canvas, fill, (-0.35f, -0.2f), (-0.05f, -0.62f), (0.15f, -0.2f));
                    canvas.DrawCircle(-0.55f, -0.06f, 0.07f, erase);
                    break;
                }
            case "heart":
                {
                    float w = variant == 1 ? 1.0f : 0.85f, dip = variant == 2 ? -0.35f : -0.5f;
                    using var b = new SKPathBuilder();
                    b.MoveTo(0, dip);
                    b.CubicTo(0.15f * w, -1.0f, w * 1.05f, -0.95f, w, -0.3f);
                    b.CubicTo(w * 0.95f, 0.15f, 0.3f * w, 0.5f, 0, 0.9f);
                    b.CubicTo(-0.3f * w, 0.5f, -w * 0.95f, 0.15f, -w, -0.3f);
                    b.CubicTo(-w * 1.05f, -0.95f, -0.15f * w, -1.0f, 0, dip);
                    b.Close();
                    using var path = b.Detach();
                    canvas.DrawPath(path, fill);
                    break;
                }
            case "house":
                {
                    float half = variant == 2 ? 0.8f : 0.6f;
                    canvas.DrawRect(new SKRect(-half, -0.1f, half, 0.9f), fill);
                    Polygon(canvas, fill, (-half - 0.15f, -0.05f), (0, -0.9f), (half + 0.15f, -0.05f));
                    if (variant == 1) canvas.DrawRect(new SKRect(0.25f, -0.85f, 0.45f, -0.3f), fill);
                    canvas.DrawRect(new SKRect(-0.12f, 0.45f, 0.12f, 0.9f), erase); // the door
                    break;
                }
            case "moon":
                {
                    float offset = variant == 1 ? 0.5f : variant == 2 ? 0.25f : 0.38f;
                    canvas.DrawCircle(0, 0, 0.9f, fill);
                    canvas.DrawCircle(offset, -0.12f, 0.78f, erase);
                    break;
                }
            case "star":
                {
                    int points = variant == 1 ? 6 : 5;
                    float inner = variant == 2 ? 0.55f : 0.42f;
                    var corners = new (float, float)[2 * points];
                    for (int i = 0; i < corners.Length; i++)
                    {
                        double a = -Math.PI / 2 + Math.PI * i / points;
                        float r = i % 2 == 0 ? 0.95f : 0.95f * inner;
                        corners[i] = ((float)(r * Math.Cos(a)), (float)(r * Math.Sin(a)));
                    }
                    Polygon(canvas, fill, corners);
                    break;
                }
            case "tree":
                {
                    canvas.DrawRect(new SKRect(-0.12f, 0.3f, 0.12f, 0.95f), fill);
                    if (variant == 0) canvas.DrawCircle(0, -0.25f, 0.62f, fill);
                    else if (variant == 1)
                        for (int tier = 0; tier < 3; tier++)
                        {
                            float top = -0.95f + 0.38f * tier, width = 0.4f + 0.18f * tier;
                            Polygon(canvas, fill, (0, top), (width, top + 0.6f), (-width, top + 0.6f));
                        }
                    else canvas.DrawOval(new SKRect(-0.45f, -0.95f, 0.45f, 0.45f), fill);
                    break;
                }
        }
    }

    private static void Polygon(SKCanvas canvas, SKPaint paint, params (float X, float Y)[] points)
    {
        using var b = new SKPathBuilder();
        b.AddPoly(points.Select(p => new SKPoint(p.X, p.Y)).ToArray(), true);
        using var path = b.Detach();
        canvas.DrawPath(path, paint);
    }
}
