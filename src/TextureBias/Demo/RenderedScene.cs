using TextureBias.Detection;
using TextureBias.Imaging;

namespace TextureBias.Demo;

/// <summary>A detection scene's image and its ground truth.</summary>
/// <param name="Image">The canvas.</param>
/// <param name="Objects">
/// One per object of the scene, in the scene's order: label = shape class + 1 (0 is the background), box = the
/// tightest box around the object's visible pixels (those at least half covered by it and not by an object in front),
/// in 0-based continuous pixel edges.
/// </param>
public sealed record RenderedScene(RgbImage Image, IReadOnlyList<DetectionObject> Objects);
