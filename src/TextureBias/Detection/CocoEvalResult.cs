namespace TextureBias.Detection;

/// <summary>COCO's box AP as pycocotools' <c>COCOeval</c> summarises it (area all, 100 detections per image).</summary>
/// <param name="Classes">Each category of the ground truth, by ascending id.</param>
/// <param name="Ap50">AP at IoU 0.5 (<c>stats[1]</c>): the mean over the categories with ground truth; NaN if none has (pycocotools: −1).</param>
/// <param name="Ap">AP at IoU 0.5:0.95 (<c>stats[0]</c>).</param>
/// <param name="Images">Images evaluated.</param>
public sealed record CocoEvalResult(IReadOnlyList<CocoClassAp> Classes, double Ap50, double Ap, int Images);
