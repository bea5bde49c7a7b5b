namespace TextureBias.Detection;

/// <summary>The average precision of one COCO category.</summary>
/// <param name="CategoryId">The category id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Ap50">AP at IoU 0.5 (area all, 100 detections per image); <see cref="double.NaN"/> when the category has no ground truth that is not crowd.</param>
/// <param name="Ap">AP averaged over IoU 0.5:0.05:0.95; NaN likewise.</param>
/// <param name="GroundTruths">Its annotations that are not crowd.</param>
/// <param name="Detections">Its detections scored (at most 100 per image).</param>
public sealed record CocoClassAp(int CategoryId, string Name, double Ap50, double Ap, int GroundTruths, int Detections);
