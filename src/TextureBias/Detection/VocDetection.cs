namespace TextureBias.Detection;

/// <summary>
/// One detection to score against VOC ground truth: image, class, confidence and box, in the same
/// 1-based inclusive pixel coordinates as the annotations (as in py-faster-rcnn's detection files).
/// </summary>
/// <param name="ImageId">The image's id (the annotation file's name without <c>.xml</c>, e.g. <c>000005</c>).</param>
/// <param name="ClassName">Class name, as in the annotations.</param>
/// <param name="Score">Confidence; higher ranks first.</param>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge, inclusive.</param>
/// <param name="Y2">Bottom edge, inclusive.</param>
public sealed record VocDetection(string ImageId, string ClassName, double Score, double X1, double Y1, double X2, double Y2);
