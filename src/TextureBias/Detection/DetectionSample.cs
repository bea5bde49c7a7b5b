namespace TextureBias.Detection;

/// <summary>One image of a detection dataset: its id (VOC's file stem, COCO's image id), file, size and objects.</summary>
public sealed record DetectionSample(string Id, string ImagePath, int Width, int Height, IReadOnlyList<DetectionObject> Objects);
