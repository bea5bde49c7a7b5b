namespace TextureBias.Demo;

/// <summary>Where a silhouette sits in an image.</summary>
/// <param name="X">Centre, pixels from the left.</param>
/// <param name="Y">Centre, pixels from the top.</param>
/// <param name="Radius">Half the silhouette's size in pixels (unit coordinates are scaled by it).</param>
/// <param name="Angle">Rotation in degrees, clockwise.</param>
/// <param name="Mirror">Mirrored left to right.</param>
public sealed record Pose(float X, float Y, float Radius, float Angle, bool Mirror);
