namespace TextureBias.Observers;

/// <summary>The human observers' accuracy at one level of a distortion (bundled model-vs-human data).</summary>
/// <param name="Condition">The level's condition string, as the run names it.</param>
/// <param name="Mean">The mean of the subjects' accuracies (fraction; NaN when no subject saw this level).</param>
/// <param name="Min">The lowest subject's accuracy.</param>
/// <param name="Max">The highest subject's accuracy.</param>
/// <param name="Subjects">How many subjects.</param>
/// <param name="Trials">How many trials in all.</param>
public sealed record HumanLevelAccuracy(string Condition, double Mean, double Min, double Max, int Subjects, int Trials);
