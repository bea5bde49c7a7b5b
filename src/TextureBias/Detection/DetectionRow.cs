namespace TextureBias.Detection;

/// <summary>
/// One detection as the detections files hold it, in the file's coordinates: VOC's own (1-based, inclusive: as the
/// annotations and py-faster-rcnn's <c>comp4_det_test_*.txt</c>) for VOC, COCO's continuous pixel edges (x2 = x + w) for COCO.
/// </summary>
/// <param name="ImageId">The image's id (VOC's file stem, COCO's image id).</param>
/// <param name="ClassName">The class's name (for COCO also accepted: the category id as a number).</param>
/// <param name="Score">Confidence; higher ranks first.</param>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
public sealed record DetectionRow(string ImageId, string ClassName, double Score, double X1, double Y1, double X2, double Y2);
