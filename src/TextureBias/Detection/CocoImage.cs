namespace TextureBias.Detection;

/// <summary>One entry of a COCO instances file's <c>images</c>.</summary>
/// <param name="Id">Its <c>id</c>.</param>
/// <param name="FileName">Its <c>file_name</c>, relative to the images folder.</param>
/// <param name="Width">Its <c>width</c>.</param>
/// <param name="Height">Its <c>height</c>.</param>
public sealed record CocoImage(long Id, string FileName, int Width, int Height);
