namespace TextureBias.Distortions;

/// <summary>One level of a distortion: its numeric value and the reference's condition string (a folder name).</summary>
/// <param name="Value">The parameter (contrast, noise width, filter std, degrees, …).</param>
/// <param name="Condition">model-vs-human's condition string, e.g. <c>c10</c>, <c>0.35</c>, <c>inf</c>, <c>pow</c>.</param>
public sealed record DistortionLevel(double Value, string Condition)
{
    /// <inheritdoc />
    public override string ToString() => Condition;
}
