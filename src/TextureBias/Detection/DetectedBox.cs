namespace TextureBias.Detection;

/// <summary>One object found in an image by <c>detect</c>.</summary>
/// <param name="X1">Left edge, in the image's pixels.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
/// <param name="Label">Class index (1..).</param>
/// <param name="Name">Class name (<see cref="DetectorClassNames"/>).</param>
/// <param name="Score">Confidence.</param>
public sealed record DetectedBox(float X1, float Y1, float X2, float Y2, long Label, string Name, float Score);
