namespace TextureBias.Demo;

/// <summary>What one image of the texture–shape world shows.</summary>
/// <param name="Shape">Class (index into <see cref="Silhouettes.Names"/>).</param>
/// <param name="Variant">Which of the class's silhouettes.</param>
/// <param name="Texture">Texture family (index into <see cref="TextureFamilies.Names"/>).</param>
/// <param name="Pose">Position, size, rotation and mirroring of the silhouette.</param>
/// <param name="TextureSeed">Seed of the texture's colours, period, orientation and phase.</param>
/// <param name="BackgroundSeed">Seed of the plain background colour.</param>
public sealed record WorldScene(int Shape, int Variant, int Texture, Pose Pose, int TextureSeed, int BackgroundSeed);
