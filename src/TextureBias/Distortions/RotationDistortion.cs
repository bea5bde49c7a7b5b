namespace TextureBias.Distortions;

/// <summary>The reference's <c>rotate90/180/270</c>: grey, then rotated counter-clockwise (as <c>np.rot90</c>).</summary>
public sealed class RotationDistortion : Distortion
{
    /// <inheritdoc />
    public override string Name => "rotation";

    /// <inheritdoc />
    public override IReadOnlyList<DistortionLevel> Levels { get; } = L("0", "90", "180", "270");

    /// <inheritdoc />
    protected override string LevelHelp => "0, 90, 180 or 270 degrees";

    /// <inheritdoc />
    protected override bool IsValid(double value) => false;

    /// <inheritdoc />
    public override FloatImage Apply(FloatImage image, DistortionLevel level, NoiseSource noise)
    {
        var g = Greyscale.Of(image);
        int w = g.Width, h = g.Height;
        var s = g.Values;
        switch ((int)level.Value)
        {
            case 0:
                return g;
            case 180:
            {
                var v = new double[s.Length];
                for (int i = 0; i < v.Length; i++) v[i] = s[s.Length - 1 - i];
                return new FloatImage(w, h, 1, v);
            }
            case 90: // transpose(g)[::-1, :]: out[i, j] = g[j, w-1-i], shape (w, h)
            {
                var v = new double[s.Length];
                for (int i = 0; i < w; i++)
                    for (int j = 0; j < h; j++) v[i * h + j] = s[j * w + (w - 1 - i)];
                return new FloatImage(h, w, 1, v);
            }
            case 270: // transpose(g[::-1, :]): out[i, j] = g[h-1-j, i]
            {
                var v = new double[s.Length];
                for (int i = 0; i < w; i++)
                    for (int j = 0; j < h; j++) v[i * h + j] = s[(h - 1 - j) * w + i];
                return new FloatImage(h, w, 1, v);
            }
            default:
                throw new TextureBiasException($"rotation: {level.Value} degrees is not 0, 90, 180 or 270");
        }
    }
}
