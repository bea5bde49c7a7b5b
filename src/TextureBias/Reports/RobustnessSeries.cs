namespace TextureBias.Reports;

/// <summary>
/// One line of a <see cref="RobustnessPanel"/>: a model, or the human observers. Values are fractions 0..1, one per level of
/// the panel; NaN (or any non-finite value) means no data at that level: no marker there, and the line joins the points on
/// either side.
/// </summary>
/// <param name="Name">The legend entry; a name keeps its colour and marker in every panel of a figure.</param>
/// <param name="Accuracy">The accuracy at each level (for humans the mean over subjects).</param>
/// <param name="Human">Human observers: drawn in red with diamond markers, the <paramref name="Low"/>–<paramref name="High"/> range as a light band.</param>
/// <param name="Low">The lowest subject's accuracy at each level (humans), or null.</param>
/// <param name="High">The highest subject's accuracy at each level (humans), or null.</param>
public sealed record RobustnessSeries(string Name, IReadOnlyList<double> Accuracy, bool Human = false,
    IReadOnlyList<double>? Low = null, IReadOnlyList<double>? High = null);
