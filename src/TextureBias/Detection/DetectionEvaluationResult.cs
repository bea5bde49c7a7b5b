namespace TextureBias.Detection;

/// <summary>The outcome of <c>detect-eval</c>: VOC's or COCO's AP of a detector or of a detections file on a dataset.</summary>
/// <param name="Dataset">The dataset's name (e.g. <c>VOC2007 test</c>).</param>
/// <param name="Source">The weights or detections file scored.</param>
/// <param name="Images">Images in the dataset.</param>
/// <param name="Skipped">Images that could not be read (their objects count as missed).</param>
/// <param name="Detections">Detections scored.</param>
/// <param name="Voc">VOC's AP (VOC datasets), else null.</param>
/// <param name="Coco">COCO's AP (COCO datasets), else null.</param>
public sealed record DetectionEvaluationResult(string Dataset, string Source, int Images, int Skipped, int Detections, VocApResult? Voc, CocoEvalResult? Coco);
