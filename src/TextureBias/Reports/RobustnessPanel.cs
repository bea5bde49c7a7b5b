namespace TextureBias.Reports;

/// <summary>One panel of a <see cref="RobustnessFigure"/>: accuracy against the levels of one distortion.</summary>
/// <param name="Title">The panel's title (the distortion).</param>
/// <param name="XLabel">The x axis' label (what the levels measure).</param>
/// <param name="Levels">The x tick labels (condition strings), categorical and equally spaced, in the given order.</param>
/// <param name="Series">The lines: models and human observers, each with one value per level.</param>
/// <param name="YLabel">The y axis' label, e.g. "16-class accuracy" or "top-1 accuracy".</param>
/// <param name="Chance">Chance accuracy (1/16 for 16-class accuracy), drawn as a dashed line; NaN for none.</param>
public sealed record RobustnessPanel(string Title, string XLabel, IReadOnlyList<string> Levels,
    IReadOnlyList<RobustnessSeries> Series, string YLabel, double Chance = double.NaN);
