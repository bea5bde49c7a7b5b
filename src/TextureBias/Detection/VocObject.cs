namespace TextureBias.Detection;

/// <summary>
/// One object of a PASCAL VOC annotation: its class name, its box as written in the XML
/// (VOC pixel coordinates, 1-based and inclusive: a box from pixel 1 to pixel 10 is 10 pixels wide)
/// and its "difficult" flag.
/// </summary>
/// <param name="Name">Class name (<c>&lt;name&gt;</c>), e.g. <c>dog</c>.</param>
/// <param name="X1">Left edge (<c>&lt;xmin&gt;</c>).</param>
/// <param name="Y1">Top edge (<c>&lt;ymin&gt;</c>).</param>
/// <param name="X2">Right edge, inclusive (<c>&lt;xmax&gt;</c>).</param>
/// <param name="Y2">Bottom edge, inclusive (<c>&lt;ymax&gt;</c>).</param>
/// <param name="Difficult">Marked difficult: neither counted as a positive nor as a false positive when detected.</param>
public sealed record VocObject(string Name, double X1, double Y1, double X2, double Y2, bool Difficult);
