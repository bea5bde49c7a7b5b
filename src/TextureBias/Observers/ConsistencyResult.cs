namespace TextureBias.Observers;

/// <summary>Error consistency of two observers (Geirhos, Meding &amp; Wichmann 2020): per condition and over all matched trials.</summary>
/// <param name="ObserverA">The first observer.</param>
/// <param name="ObserverB">The second observer.</param>
/// <param name="All">Over every matched trial, conditions pooled.</param>
/// <param name="MeanKappa">The mean of the per-condition kappas (how model-vs-human summarises an experiment).</param>
/// <param name="PerCondition">Per condition, in <see cref="ConditionOrder"/>.</param>
/// <param name="Unmatched">Trials left out because the other observer has no trial on that image and condition (0 unless unmatched trials are allowed).</param>
public sealed record ConsistencyResult(string ObserverA, string ObserverB, ConditionConsistency All, double MeanKappa, IReadOnlyList<ConditionConsistency> PerCondition, int Unmatched);
