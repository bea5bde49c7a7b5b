namespace TextureBias.Detection;

/// <summary>
/// One annotated object, with its box in the model's coordinates: pixel edges from the image's
/// top-left corner, 0-based and continuous (a VOC box from pixel 1 to pixel 10 inclusive is x1 = 0, x2 = 10;
/// a COCO box [x, y, w, h] is x1 = x, x2 = x + w).
/// </summary>
/// <param name="Label">Class index (1..; 0 is background) into the dataset's class names.</param>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
/// <param name="Difficult">VOC's "difficult" (or COCO's iscrowd): left out of training and ignored by evaluation.</param>
public sealed record DetectionObject(int Label, float X1, float Y1, float X2, float Y2, bool Difficult);
