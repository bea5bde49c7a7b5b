namespace TextureBias.Detection;

/// <summary>
/// A detection dataset read from disk (VOC or COCO): its images with their objects and the class
/// names, index 0 being the background (COCO keeps its category ids as labels, 91 with gaps named "N/A",
/// as torchvision does).
/// </summary>
public sealed record DetectionDataset(string Name, IReadOnlyList<string> ClassNames, IReadOnlyList<DetectionSample> Samples);
