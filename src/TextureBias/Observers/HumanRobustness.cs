using TextureBias.Distortions;

namespace TextureBias.Observers;

/// <summary>
/// The human observers beside the models: the bundled human data (<see cref="HumanObservers"/>) of the experiment that
/// used a distortion, per level of a run. Human conditions are matched to levels through the distortion's own parsing
/// (so <c>0.10</c> is the level <c>0.1</c>, <c>true</c> is <c>True</c>, <c>3</c> is <c>3.0</c>).
/// </summary>
public static class HumanRobustness
{
    /// <summary>model-vs-human's experiment that used <paramref name="distortion"/> (<c>eidolon-II</c> → <c>eidolonII</c>), or null (salt-and-pepper has none).</summary>
    public static string? ExperimentOf(string distortion)
    {
        string name = distortion.Replace("eidolon-", "eidolon", StringComparison.OrdinalIgnoreCase);
        return HumanObservers.Experiments.FirstOrDefault(e => e.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The humans' accuracy at each of <paramref name="levels"/> (NaN where they saw no such level); null when no experiment used the distortion.</summary>
    public static IReadOnlyList<HumanLevelAccuracy>? At(IDistortion distortion, IReadOnlyList<DistortionLevel> levels)
    {
        if (ExperimentOf(distortion.Name) is not { } experiment) return null;
        var byLevel = new Dictionary<string, List<RawTrial>>(StringComparer.Ordinal);
        foreach (var t in HumanObservers.Load().Of(experiment))
        {
            string condition;
            try { condition = distortion.ParseLevel(t.Condition).Condition; }
            catch (TextureBiasException) { continue; }
            if (!byLevel.TryGetValue(condition, out var list)) byLevel[condition] = list = [];
            list.Add(t);
        }
        return levels.Select(l =>
        {
            if (!byLevel.TryGetValue(l.Condition, out var trials)) return new HumanLevelAccuracy(l.Condition, double.NaN, double.NaN, double.NaN, 0, 0);
            var subjects = trials.GroupBy(t => t.Subject).Select(g => (double)g.Count(t => t.Correct) / g.Count()).ToList();
            return new HumanLevelAccuracy(l.Condition, subjects.Average(), subjects.Min(), subjects.Max(), subjects.Count, trials.Count);
        }).ToList();
    }
}
