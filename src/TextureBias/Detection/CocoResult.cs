namespace TextureBias.Detection;

/// <summary>One detection as COCO's results files hold it (<c>{"image_id", "category_id", "bbox": [x, y, w, h], "score"}</c>).</summary>
/// <param name="ImageId">The image's id.</param>
/// <param name="CategoryId">The category id (the label).</param>
/// <param name="Score">Confidence; higher ranks first.</param>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="W">Width.</param>
/// <param name="H">Height.</param>
public sealed record CocoResult(long ImageId, int CategoryId, double Score, double X, double Y, double W, double H);
