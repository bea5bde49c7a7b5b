namespace TextureBias.Demo;

/// <summary>
/// What one detection scene of the texture–shape world shows: a muted texture background and
/// several of the world's objects, drawn in order (later ones in front).
/// </summary>
/// <param name="Objects">The objects, back to front; each is one of the world's scenes placed on the larger canvas.</param>
/// <param name="BackgroundFamily">Texture family of the background (index into <see cref="TextureFamilies.Names"/>).</param>
/// <param name="BackgroundSeed">Seed of the background's texture.</param>
public sealed record DetectionScene(IReadOnlyList<WorldScene> Objects, int BackgroundFamily, int BackgroundSeed);
