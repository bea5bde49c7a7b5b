namespace TextureBias.Detection;

/// <summary>One entry of a COCO instances file's <c>annotations</c> (its segmentation is not kept).</summary>
/// <param name="Id">Its <c>id</c>.</param>
/// <param name="ImageId">Its <c>image_id</c>.</param>
/// <param name="CategoryId">Its <c>category_id</c> (the label).</param>
/// <param name="X">bbox[0]: left edge.</param>
/// <param name="Y">bbox[1]: top edge.</param>
/// <param name="W">bbox[2]: width.</param>
/// <param name="H">bbox[3]: height.</param>
/// <param name="Area">Its <c>area</c> (the segmentation's; 0 if absent).</param>
/// <param name="IsCrowd">Its <c>iscrowd</c>.</param>
public sealed record CocoAnnotation(long Id, long ImageId, int CategoryId, double X, double Y, double W, double H, double Area, bool IsCrowd);
