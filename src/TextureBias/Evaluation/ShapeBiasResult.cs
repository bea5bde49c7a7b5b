namespace TextureBias.Evaluation;

/// <summary>
/// Shape bias over cue-conflict trials whose shape and texture categories differ:
/// shape decisions / (shape + texture decisions); other decisions drop out.
/// </summary>
/// <param name="Name">Observer or file.</param>
/// <param name="Trials">Conflict trials (same-category images excluded).</param>
/// <param name="Excluded">Trials left out because shape and texture coincide.</param>
/// <param name="ShapeDecisions">Decisions for the shape category.</param>
/// <param name="TextureDecisions">Decisions for the texture category.</param>
/// <param name="ShapeBias">ShapeDecisions / (ShapeDecisions + TextureDecisions); NaN without either.</param>
/// <param name="ShapeFraction">ShapeDecisions / Trials.</param>
/// <param name="TextureFraction">TextureDecisions / Trials.</param>
/// <param name="PerCategory">The same per shape category.</param>
public sealed record ShapeBiasResult(string Name, int Trials, int Excluded, int ShapeDecisions, int TextureDecisions, double ShapeBias,
    double ShapeFraction, double TextureFraction, IReadOnlyList<ShapeBiasResult> PerCategory);
