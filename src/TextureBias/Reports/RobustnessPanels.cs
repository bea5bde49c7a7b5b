using TextureBias.Distortions;
using TextureBias.Evaluation;
using TextureBias.Observers;

namespace TextureBias.Reports;

/// <summary>The panels of a robustness figure (<see cref="RobustnessFigure"/>): per distortion, each model's accuracy per level and the human observers beside them.</summary>
public static class RobustnessPanels
{
    /// <summary>
    /// One panel per distortion of <paramref name="kinds"/>, at its <paramref name="levels"/>: a line per model
    /// (<see cref="RobustnessPoint.Accuracy"/>: 16-class accuracy when measured, else top-1), and the humans
    /// (<paramref name="humans"/>, per distortion, null where no experiment used it) as their mean with the lowest and highest subject.
    /// </summary>
    public static IReadOnlyList<RobustnessPanel> Build(IReadOnlyList<IDistortion> kinds, IReadOnlyList<IReadOnlyList<DistortionLevel>> levels,
        IReadOnlyList<RobustnessCell> cells, IReadOnlyList<IReadOnlyList<HumanLevelAccuracy>?> humans)
    {
        var panels = new List<RobustnessPanel>();
        for (int d = 0; d < kinds.Count; d++)
        {
            var mine = cells.Where(c => c.Distortion == kinds[d].Name).ToList();
            var points = mine.SelectMany(c => c.Points).ToList();
            bool sixteen = points.Count > 0 && points.All(p => p.SixteenClass is not null);
            var series = new List<RobustnessSeries>();
            foreach (var model in points.Select(p => p.Model).Distinct())
                series.Add(new RobustnessSeries(model, levels[d].Select(l =>
                    mine.FirstOrDefault(c => c.Level.Condition == l.Condition)?.Points.FirstOrDefault(p => p.Model == model)?.Accuracy ?? double.NaN).ToList()));
            if (humans[d] is { } h && h.Any(x => x.Subjects > 0))
                series.Add(new RobustnessSeries("humans", h.Select(x => x.Mean).ToList(), Human: true, h.Select(x => x.Min).ToList(), h.Select(x => x.Max).ToList()));
            panels.Add(new RobustnessPanel(kinds[d].Name, kinds[d].Name + " level", levels[d].Select(l => l.Condition).ToList(), series,
                sixteen ? "16-class accuracy" : "top-1 accuracy", sixteen ? 1 / 16.0 : double.NaN));
        }
        return panels;
    }
}
