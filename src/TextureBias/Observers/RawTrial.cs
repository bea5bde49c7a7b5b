namespace TextureBias.Observers;

/// <summary>One trial of a raw-data CSV (model-vs-human format): who decided what on which image under which condition.</summary>
/// <param name="Subject">The observer (<c>subj</c>).</param>
/// <param name="Session">The session (<c>session</c>; empty when the file has none).</param>
/// <param name="Condition">The condition (distortion level) as written in the file.</param>
/// <param name="Image">The image name (<c>imagename</c>).</param>
/// <param name="Category">The true category.</param>
/// <param name="Response">The decision (<c>object_response</c>; "na" or any other non-category word for none).</param>
public sealed record RawTrial(string Subject, string Session, string Condition, string Image, string Category, string Response)
{
    /// <summary>Whether the decision is the true category.</summary>
    public bool Correct => Response == Category;

    /// <summary>The image id trials are matched by (model-vs-human's short image name, <see cref="RawData.ShortImageName"/>).</summary>
    public string ImageId => RawData.ShortImageName(Image);
}
