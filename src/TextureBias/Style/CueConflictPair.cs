namespace TextureBias.Style;

/// <summary>One cue-conflict stimulus to make: a shape image rendered in a texture image's texture.</summary>
/// <param name="Shape">The shape (content) image.</param>
/// <param name="Texture">The texture (style) image.</param>
/// <param name="Output">Where the stimulus goes, relative to the output folder: <c>&lt;shape&gt;/&lt;shape&gt;N-&lt;texture&gt;M.png</c>.</param>
public sealed record CueConflictPair(string Shape, string Texture, string Output);
